package dev.duplex.chat;

import dev.duplex.conversation.AnswerOutcome;
import dev.duplex.conversation.AnswerRecorder;
import dev.duplex.conversation.BegunTurn;
import dev.duplex.conversation.ConversationStore;
import dev.duplex.conversation.MessageStatus;
import dev.duplex.conversation.TimeOrderedIds;
import dev.duplex.conversation.TurnRequest;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.limit.Budgets;
import dev.duplex.limit.GenerationSlots;
import dev.duplex.limit.MessageRate;
import dev.duplex.limit.UserLimits;
import dev.duplex.provider.Catalogue;
import dev.duplex.provider.ChatMessage;
import dev.duplex.provider.Cost;
import dev.duplex.provider.ModelCatalogue;
import dev.duplex.provider.ModelEntry;
import dev.duplex.provider.Usage;
import dev.duplex.stream.Generation;
import dev.duplex.stream.GenerationListener;
import dev.duplex.stream.Notice;
import dev.duplex.stream.UpstreamClient;
import dev.duplex.text.Excerpt;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.PongMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One chat connection (the container makes an instance per WebSocket session): decodes client frames, starts at
 * most one generation at a time, and relays the generations it watches through the session's
 * {@link OrderedSender}. A generation belongs to {@link LiveGenerations}, not to the connection: closing the
 * connection does not stop it, and a client may attach to it again with {@code resume}.
 *
 * <p>Threading: the container calls the {@code @On*} methods one at a time; generation callbacks arrive on
 * HttpClient and timer threads and only touch the thread-safe live generation, the recorder and {@code running}.
 */
@ServerEndpoint(value = "/ws/chat", configurator = ChatHandshake.class)
public class ChatEndpoint {

    /** The largest client text frame, in UTF-8 bytes (also reported by {@code GET /api/info}). */
    public static final String MAX_FRAME_BYTES = "duplex.ws.max-frame-bytes";
    public static final String DEFAULT_MAX_FRAME_BYTES = "65536";

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    @Inject
    UpstreamClient upstream;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    ConversationStore store;

    @Inject
    AnswerRecorder recorder;

    @Inject
    MessageRate rate;

    @Inject
    GenerationSlots slots;

    @Inject
    Budgets budgets;

    /** {@code max-connections-per-user} (default 20) and {@code max-message-chars} (default 32000), per owner. */
    @Inject
    UserLimits limits;

    @Inject
    ClientFrameDecoder decoder;

    @Inject
    FrameEncoder encoder;

    @Inject
    ChatSessions sessions;

    @Inject
    SendThreads sendThreads;

    @Inject
    LiveGenerations generations;

    @Inject
    @ConfigProperty(name = MAX_FRAME_BYTES, defaultValue = DEFAULT_MAX_FRAME_BYTES)
    int maxFrameBytes;

    @Inject
    @ConfigProperty(name = "duplex.ws.max-pending-bytes", defaultValue = "1048576")
    long maxPendingBytes;

    @Inject
    @ConfigProperty(name = "duplex.ws.send-stall-ms", defaultValue = "30000")
    long stallMs;

    private Session session;
    private OrderedSender sender;
    private String owner;
    private boolean admitted;
    private final AtomicReference<Turn> running = new AtomicReference<>();
    /** The generations this connection watches; the last one started or resumed is {@code current}. */
    private final Set<LiveGeneration> watching = ConcurrentHashMap.newKeySet();
    private final AtomicReference<LiveGeneration> current = new AtomicReference<>();
    /** Ends this endpoint's CDI instance ({@link ChatHandshake} made it); run when the session closes. */
    private volatile Runnable release = () -> { };

    @OnOpen
    public void open(Session session) {
        this.session = session;
        owner = (String) session.getUserProperties().get(ChatHandshake.OWNER);
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        session.setMaxBinaryMessageBufferSize(maxFrameBytes);
        sender = new OrderedSender(session, encoder.unproxied(), sendThreads.executor(), maxPendingBytes / 2,
                TimeUnit.MILLISECONDS.toNanos(stallMs));
        if (owner == null) { // cannot happen past the authentication mechanism, which answers 401 first
            sender.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not signed in"));
            return;
        }
        int maxConnectionsPerUser = limits.intValue(owner, "max-connections-per-user", 20);
        admitted = sessions.add(session, sender, owner,
                (String) session.getUserProperties().get(ChatHandshake.CREDENTIALS), maxConnectionsPerUser);
        if (!admitted) {
            sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.TOO_MANY_CONNECTIONS,
                    "You have " + maxConnectionsPerUser + " chat connections open already; close a tab.")));
            sender.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many connections"));
        }
    }

    @OnMessage
    public void text(String text) {
        if (!admitted) {
            return; // being closed: too many connections
        }
        sessions.heard(session);
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
            int maxMessageChars = limits.intValue(owner, "max-message-chars", 32000);
            if (message.content().codePointCount(0, message.content().length()) > maxMessageChars) {
                sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.MESSAGE_TOO_LONG,
                        "A message may have at most " + maxMessageChars + " characters.")));
                return;
            }
            start(message.model(), new TurnRequest(message.conversationId(), message.content(), message.system(),
                    message.editOf(), false));
        } else if (frame instanceof ClientFrame.Regenerate regenerate) {
            start(regenerate.model(), new TurnRequest(regenerate.conversationId(), null, null, null, true));
        } else if (frame instanceof ClientFrame.Resume resume) {
            resume(resume.id(), resume.afterSeq());
        } else if (frame instanceof ClientFrame.Cancel cancel) {
            cancel(cancel.id());
        } else if (frame instanceof ClientFrame.Ping) {
            sender.send(new ServerFrame.Pong());
        }
    }

    /** The answer to one of {@link Heartbeat}'s pings. */
    @OnMessage
    public void pong(PongMessage pong) {
        sessions.heard(session);
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
        try {
            if (owner != null) {
                sessions.remove(session, owner);
                sender.abandon();
                watching.forEach(generation -> generation.detach(sender));
            }
        } finally {
            release.run();
        }
    }

    void releaseWith(Runnable release) {
        this.release = release;
    }

    @OnError
    public void error(Session session, Throwable failure) {
        // the container closes the session itself for protocol violations (1007 bad UTF-8, 1009 too big)
        LOG.log(Level.FINE, "WebSocket error on session " + session.getId(), failure);
    }

    /**
     * Starts a turn: the question and an empty answer (status streaming, saved as it grows and when it ends) are
     * written to the database while the model is asked. {@code start} and what the model sent meanwhile follow
     * once they are committed; if they cannot be, the model is stopped and the client gets only the error.
     */
    private void start(String model, TurnRequest request) {
        if (sessions.refusing()) {
            sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.SHUTTING_DOWN,
                    "The server is shutting down; send the message again once reconnected.")));
            return;
        }
        Turn turn = new Turn(TimeOrderedIds.next());
        if (!running.compareAndSet(null, turn)) {
            sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.BUSY,
                    "A generation is already running on this connection; cancel it or wait for its end.")));
            return;
        }
        try {
            rate.take(owner);
            slots.acquire();
        } catch (DuplexException e) {
            running.compareAndSet(turn, null);
            sender.send(ServerFrame.Error.of(e));
            return;
        }
        Generation generation;
        BegunTurn begun = null;
        try {
            Catalogue current = catalogue.current();
            ModelEntry entry = current.model(model);
            turn.budget = budgets.reserve(owner, entry, current.currency(), questionTokens(request));
            begun = store.begin(owner, request.generation(turn.id, entry.id()));
            generation = upstream.prepare(turn.id, entry.id(), begun.history(), new TurnListener(turn));
        } catch (RuntimeException e) {
            DuplexException failure = DuplexException.of(e);
            if (begun != null) {
                unstarted(begun, failure);
            }
            giveBack(turn);
            slots.release();
            running.compareAndSet(turn, null);
            sender.send(ServerFrame.Error.of(failure));
            return;
        }
        turn.live = new LiveGeneration(turn.id, owner, begun.conversationId(), begun.answerId(), generation);
        watching.add(turn.live);
        current.set(turn.live);
        generations.add(turn.live);
        turn.recording = recorder.record(begun.answerId(), generation::text);
        sessions.turnStarted();
        generation.start();
        ServerFrame.Start start = new ServerFrame.Start(turn.id, generation.requestedModel(), begun.conversationId(),
                begun.questionId(), begun.answerId(), generation.historyDropped());
        begun.committed().whenComplete((stored, failure) -> {
            if (failure == null) {
                turn.live.open(sender, start);
            } else {
                // the turn ends as usual (answer end, budget, slot) and the client gets only why: nothing is stored
                DuplexException refused = notStored(failure);
                turn.live.cancel();
                turn.settled.thenRun(() -> sender.send(ServerFrame.Error.of(refused)));
            }
        });
    }

    /**
     * Attaches this connection to one of the owner's generations after the last token it received. One that is
     * unknown or no longer kept is refused with {@code generation_not_found}, followed by its stored answer when
     * there is one.
     */
    private void resume(String id, long afterSeq) {
        LiveGeneration generation = generations.find(owner, id);
        if (generation == null) {
            sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.GENERATION_NOT_FOUND,
                    "Generation " + Excerpt.ofInput(id) + " is not running and no longer kept for resuming; its"
                            + " answer, if it was stored, follows.")));
            storedAnswer(id);
            return;
        }
        try {
            watching.removeIf(watched -> !watched.running());
            generation.attach(sender, afterSeq);
        } catch (DuplexException e) {
            sender.send(ServerFrame.Error.of(e));
            return;
        }
        watching.add(generation);
        current.set(generation);
    }

    private void storedAnswer(String generationId) {
        try {
            store.answerOf(owner, generationId).ifPresent(answer -> sender.send(new ServerFrame.StoredAnswer(
                    generationId, answer.conversationId(), answer.id(), answer.content(),
                    answer.status().wireName(), answer.finishReason())));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not read the stored answer of generation " + generationId, e);
        }
    }

    private static DuplexException notStored(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause instanceof RuntimeException e ? DuplexException.of(e)
                : new DuplexException(ErrorCode.STORAGE_ERROR, "The conversation could not be stored; try again.", cause);
    }

    /** The question's tokens as estimated before the call (a regeneration asks nothing new). */
    private static long questionTokens(TurnRequest request) {
        return request.content() == null ? 0
                : UpstreamClient.estimateTokens(List.of(ChatMessage.user(request.content())));
    }

    /** An answer stored but never asked for ends as an error, rather than staying "streaming". */
    private void unstarted(BegunTurn begun, DuplexException failure) {
        try {
            store.end(begun.answerId(), new AnswerOutcome("", MessageStatus.ERROR, null, null, null,
                    failure.code().wireName(), failure.getMessage(), null, null, null, null, null)).join();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not end the unstarted answer " + begun.answerId(), e);
        }
    }

    /** A turn that never started gives its budget reservation back. */
    private void giveBack(Turn turn) {
        try {
            budgets.settle(turn.budget, null, null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not release the budget reservation of " + turn.id, e);
        }
    }

    /** Cancels generation {@code id} of the owner, or (null) the one this connection last started or resumed. */
    private void cancel(String id) {
        if (id == null) {
            LiveGeneration generation = current.get();
            if (generation != null) {
                generation.cancel();
            }
            return;
        }
        LiveGeneration generation = generations.find(owner, id);
        if (generation == null) {
            sender.send(ServerFrame.Error.of(new DuplexException(ErrorCode.GENERATION_NOT_FOUND,
                    "Generation " + Excerpt.ofInput(id) + " is not running.")));
            return;
        }
        generation.cancel();
    }

    private static AnswerOutcome outcome(Generation generation, MessageStatus status, String finishReason,
                                         DuplexException error, Usage usage, Cost cost) {
        return new AnswerOutcome(generation.text(), status, generation.model(), generation.provider(), finishReason,
                error == null ? null : error.code().wireName(), error == null ? null : error.getMessage(),
                usage.inputTokens(), usage.outputTokens(), Boolean.TRUE.equals(usage.estimated()),
                cost == null ? null : cost.total(), cost == null ? null : cost.currency());
    }

    /** The generation in progress on this connection, and the answer it is saved as. */
    private static final class Turn {

        final String id;
        volatile LiveGeneration live;
        volatile AnswerRecorder.Recording recording;
        volatile Budgets.Reservation budget;
        /** Completes once the turn has ended and the connection is free for the next one. */
        final CompletableFuture<Void> settled = new CompletableFuture<>();

        Turn(String id) {
            this.id = id;
        }
    }

    /**
     * Relays one generation. On its outcome the answer is committed and the connection freed before the
     * terminal frame is queued, so a client that sends its next message on {@code end} is never told busy and
     * finds the answer in the conversation's history.
     */
    private final class TurnListener implements GenerationListener {

        private final Turn turn;

        TurnListener(Turn turn) {
            this.turn = turn;
        }

        @Override
        public void onToken(String text) {
            turn.live.token(text);
        }

        @Override
        public void onNotice(Notice notice) {
            turn.live.notice(ServerFrame.Notice.of(turn.id, notice));
        }

        @Override
        public void onEnd(Generation generation, String finishReason, Usage usage, Cost cost) {
            MessageStatus status = "cancelled".equals(finishReason) ? MessageStatus.CANCELLED : MessageStatus.COMPLETE;
            settle(outcome(generation, status, finishReason, null, usage, cost), new ServerFrame.End(turn.id,
                    finishReason, usage, cost, generation.model(), generation.provider()), usage, cost);
        }

        @Override
        public void onError(Generation generation, DuplexException error, Usage usage, Cost cost) {
            MessageStatus status = error.code() == ErrorCode.SHUTTING_DOWN ? MessageStatus.INTERRUPTED
                    : MessageStatus.ERROR;
            settle(outcome(generation, status, null, error, usage, cost),
                    ServerFrame.Error.of(error, turn.id, !generation.text().isEmpty(), usage, cost,
                            generation.model(), generation.provider()), usage, cost);
        }

        /** The answer and the budget are settled in the database before the terminal frame goes out. */
        private void settle(AnswerOutcome outcome, ServerFrame terminal, Usage usage, Cost cost) {
            turn.recording.finish(outcome);
            turn.recording.then(() -> budgets.settle(turn.budget, usage, cost)).whenComplete((saved, failure) -> {
                slots.release();
                running.compareAndSet(turn, null);
                turn.live.end(terminal);
                watching.remove(turn.live);
                generations.ended(turn.live);
                sessions.turnEnded();
                turn.settled.complete(null);
            });
        }
    }
}
