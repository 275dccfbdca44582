package dev.duplex.chat;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.Cost;
import dev.duplex.provider.Usage;
import dev.duplex.stream.Generation;
import dev.duplex.stream.GenerationListener;
import dev.duplex.stream.Notice;
import dev.duplex.stream.UpstreamClient;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One chat connection (the container makes an instance per WebSocket session): decodes client frames, runs at
 * most one generation at a time, and relays its tokens through the session's {@link OrderedSender}.
 *
 * <p>Threading: the container calls the {@code @On*} methods one at a time; generation callbacks arrive on
 * HttpClient and timer threads and only touch the thread-safe sender, conversation and {@code running}.
 */
@ServerEndpoint("/ws/chat")
public class ChatEndpoint {

    /** The largest client text frame, in UTF-8 bytes (also reported by {@code GET /api/info}). */
    public static final String MAX_FRAME_BYTES = "duplex.ws.max-frame-bytes";
    public static final String DEFAULT_MAX_FRAME_BYTES = "65536";

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    UpstreamClient upstream;

    @Inject
    ClientFrameDecoder decoder;

    @Inject
    FrameEncoder encoder;

    @Inject
    ChatSessions sessions;

    @Inject
    SendThreads sendThreads;

    @Inject
    @ConfigProperty(name = MAX_FRAME_BYTES, defaultValue = DEFAULT_MAX_FRAME_BYTES)
    int maxFrameBytes;

    private Session session;
    private OrderedSender sender;
    private final Conversation conversation = new Conversation();
    private final AtomicReference<Turn> running = new AtomicReference<>();

    @OnOpen
    public void open(Session session) {
        this.session = session;
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        session.setMaxBinaryMessageBufferSize(maxFrameBytes);
        sender = new OrderedSender(session, encoder::encode, sendThreads::execute);
        sessions.add(session);
    }

    @OnMessage
    public void text(String text) {
        if (FrameSize.exceeds(text, maxFrameBytes)) {
            tooLarge();
            return;
        }
        ClientFrame frame;
        try {
            frame = decoder.decode(text);
        } catch (DuplexException e) {
            sender.send(ServerFrame.Error.of(e));
            return;
        }
        if (frame instanceof ClientFrame.Message message) {
            start(message);
        } else if (frame instanceof ClientFrame.Cancel) {
            cancel();
        } else if (frame instanceof ClientFrame.Ping) {
            sender.send(new ServerFrame.Pong());
        }
    }

    /** Binary frames carry nothing in this protocol: RFC 6455 close code 1003 (unsupported data). */
    @OnMessage
    public void binary(ByteBuffer data) {
        sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.INVALID_FRAME,
                "Binary frames are not accepted; send JSON text frames.")));
        sender.close(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary frames are not accepted"));
    }

    /**
     * RFC 6455 close code 1009. Checked here as well as by the container, because Tyrus only enforces its buffer
     * size on messages assembled from several reads, and the limit must hold the same on every server.
     */
    private void tooLarge() {
        sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.FRAME_TOO_LARGE,
                "The frame is larger than " + maxFrameBytes + " bytes.")));
        sender.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "frame larger than " + maxFrameBytes + " bytes"));
    }

    @OnClose
    public void closed(Session session, CloseReason reason) {
        sessions.remove(session);
        sender.abandon();
        cancel();
    }

    @OnError
    public void error(Session session, Throwable failure) {
        // the container closes the session itself for protocol violations (1007 bad UTF-8, 1009 too big)
        LOG.log(Level.FINE, "WebSocket error on session " + session.getId(), failure);
    }

    private void start(ClientFrame.Message message) {
        Turn turn = new Turn(UUID.randomUUID().toString());
        if (!running.compareAndSet(null, turn)) {
            sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.BUSY,
                    "A generation is already running on this connection; cancel it or wait for its end.")));
            return;
        }
        Generation generation;
        try {
            generation = upstream.prepare(turn.id, message.model(),
                    conversation.begin(message.content(), message.system()), new TurnListener(turn));
        } catch (DuplexException e) {
            conversation.withdraw();
            running.compareAndSet(turn, null);
            sender.send(ServerFrame.Error.of(e));
            return;
        }
        turn.generation = generation;
        sender.send(new ServerFrame.Start(turn.id, generation.requestedModel()));
        generation.start();
    }

    private void cancel() {
        Turn turn = running.get();
        if (turn != null && turn.generation != null) {
            turn.generation.cancel();
        }
    }

    /** The generation in progress on this connection. */
    private static final class Turn {

        final String id;
        volatile Generation generation;

        Turn(String id) {
            this.id = id;
        }
    }

    /**
     * Relays one generation. On its outcome the answer is recorded and the connection freed before the
     * terminal frame is queued, so a client that sends its next message on {@code end} is never told busy.
     */
    private final class TurnListener implements GenerationListener {

        private final Turn turn;

        TurnListener(Turn turn) {
            this.turn = turn;
        }

        @Override
        public void onToken(String text, long seq) {
            sender.sendToken(text, seq);
        }

        @Override
        public void onNotice(Notice notice) {
            sender.send(ServerFrame.Notice.of(turn.id, notice));
        }

        @Override
        public void onEnd(Generation generation, String finishReason, Usage usage, Cost cost) {
            settle(generation);
            sender.send(new ServerFrame.End(turn.id, finishReason, usage, cost, generation.model(),
                    generation.provider()));
        }

        @Override
        public void onError(Generation generation, DuplexException error, Usage usage, Cost cost) {
            settle(generation);
            sender.send(ServerFrame.Error.of(error, turn.id, !generation.text().isEmpty(), usage, cost,
                    generation.model(), generation.provider()));
        }

        private void settle(Generation generation) {
            conversation.answered(generation.text());
            running.compareAndSet(turn, null);
        }
    }
}
