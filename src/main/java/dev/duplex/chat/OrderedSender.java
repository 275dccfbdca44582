package dev.duplex.chat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one WebSocket session's frames strictly in order with at most one asynchronous send outstanding.
 * Tokens that arrive while a send is in flight are coalesced into one pending token frame (carrying the seq of
 * its last token), so a slow reader costs one growing string per generation, never a growing queue of frames.
 * That string is bounded too: a reader that lets more than {@code maxPendingChars} wait, or does not take a
 * frame for {@code stallNanos} while tokens keep coming, is closed with 1013 (try again later), and may resume.
 *
 * <p>Threading: any thread may call {@link #send}, {@link #sendToken} and {@link #close}; the queue and the
 * flags are guarded by this object's monitor. A caller that finds the sender idle does not send itself: it
 * hands one drain to {@code sendExecutor}, so tokens still arriving on its thread join the pending frame. The
 * next frames are sent from the container's completion thread. Encoding and sending happen outside the monitor.
 */
final class OrderedSender {

    private static final Logger LOG = Logger.getLogger(OrderedSender.class.getName());

    private final Session session;
    private final Function<ServerFrame, String> encoder;
    private final Executor sendExecutor;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final long maxPendingChars;
    private final long stallNanos;
    private long sendStartedNanos;
    private boolean sending;
    private boolean drainScheduled;
    private boolean closed;

    OrderedSender(Session session, Function<ServerFrame, String> encoder, Executor sendExecutor,
                  long maxPendingChars, long stallNanos) {
        this.session = session;
        this.encoder = encoder;
        this.sendExecutor = sendExecutor;
        this.maxPendingChars = maxPendingChars;
        this.stallNanos = stallNanos;
    }

    void send(ServerFrame frame) {
        synchronized (this) {
            if (closed) {
                return;
            }
            queue.addLast(frame);
        }
        scheduleDrain();
    }

    void sendToken(String content, long seq) {
        boolean tooSlow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            PendingTokens pending;
            if (queue.peekLast() instanceof PendingTokens last) {
                pending = last;
                pending.add(content, seq);
            } else {
                pending = new PendingTokens(content, seq);
                queue.addLast(pending);
            }
            if (pending.length() > maxPendingChars || sending && System.nanoTime() - sendStartedNanos > stallNanos) {
                closed = true;
                queue.clear();
                tooSlow = true;
            }
        }
        if (tooSlow) {
            tooSlow();
            return;
        }
        scheduleDrain();
    }

    /** The reader fell too far behind: 1013, from a send thread (closing may wait for the stuck connection). */
    private void tooSlow() {
        LOG.fine(() -> "Session " + session.getId() + " reads too slowly: closing it with 1013");
        CloseReason reason = new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "reading too slowly");
        try {
            sendExecutor.execute(() -> closeNow(reason));
        } catch (RejectedExecutionException shuttingDown) {
            closeNow(reason);
        }
    }

    /** Closes the session with {@code reason} once every frame queued before has been sent. */
    void close(CloseReason reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            queue.addLast(reason);
        }
        scheduleDrain();
    }

    /** The session is gone: drop what is queued and send nothing more. */
    synchronized void abandon() {
        closed = true;
        queue.clear();
    }

    /** Nothing more is sent: the session is gone, or is being closed. */
    synchronized boolean isClosed() {
        return closed;
    }

    /** Frames (or coalesced token batches) waiting behind the one in flight. */
    synchronized int queued() {
        return queue.size();
    }

    private void scheduleDrain() {
        synchronized (this) {
            if (sending || drainScheduled || closed) {
                return;
            }
            drainScheduled = true;
        }
        try {
            sendExecutor.execute(this::scheduledDrain);
        } catch (RejectedExecutionException shuttingDown) {
            abandon();
        }
    }

    private void scheduledDrain() {
        synchronized (this) {
            drainScheduled = false;
        }
        drain();
    }

    private void drain() {
        Object next;
        synchronized (this) {
            if (sending || closed || queue.isEmpty()) {
                return;
            }
            next = queue.pollFirst();
            sending = true;
            sendStartedNanos = System.nanoTime();
        }
        if (next instanceof CloseReason reason) {
            closeNow(reason);
            return;
        }
        ServerFrame frame = next instanceof PendingTokens pending ? pending.frame() : (ServerFrame) next;
        String text = encoder.apply(frame);
        try {
            LeanContext.run(() -> session.getAsyncRemote().sendText(text, this::sent));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Send failed on session " + session.getId(), e);
            abandon();
        }
    }

    private void sent(SendResult result) {
        synchronized (this) {
            sending = false;
            if (!result.isOK()) {
                closed = true;
                queue.clear();
                return;
            }
        }
        drain();
    }

    private void closeNow(CloseReason reason) {
        abandon();
        try {
            session.close(reason);
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "Close failed on session " + session.getId(), e);
        }
    }

    /** Tokens not yet sent, merged. Guarded by the sender's monitor while queued. */
    private static final class PendingTokens {

        private final StringBuilder content;
        private long seq;

        PendingTokens(String content, long seq) {
            this.content = new StringBuilder(content);
            this.seq = seq;
        }

        void add(String more, long lastSeq) {
            content.append(more);
            seq = lastSeq;
        }

        int length() {
            return content.length();
        }

        ServerFrame frame() {
            return new ServerFrame.Token(content.toString(), seq);
        }
    }
}
