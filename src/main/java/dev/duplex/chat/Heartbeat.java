package dev.duplex.chat;

import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * WebSocket pings to every chat session every {@code duplex.ws.ping-interval-ms} (default 25,000: under the 60 s
 * idle cut of common proxies, so a connection waiting for a slow first token stays open), and the end of sessions
 * whose peer has not answered (a pong, or any frame) for {@code duplex.ws.pong-timeout-ms} (default twice the
 * interval): a sleeping laptop or a dead network path, closed with 1001 so nothing waits on it. 0 turns pings off.
 *
 * <p>Threading: thread-safe; one timer thread ({@code duplex-ping}) sends the pings, on the async remote, which
 * does not wait for the peer. When each peer was last heard is kept by {@link ChatSessions}, with the session.
 */
@ApplicationScoped
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());
    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {'d', 'x'}).asReadOnlyBuffer();

    @Inject
    @ConfigProperty(name = "duplex.ws.ping-interval-ms", defaultValue = "25000")
    long intervalMs;

    @Inject
    @ConfigProperty(name = "duplex.ws.pong-timeout-ms", defaultValue = "0")
    long timeoutMs;

    @Inject
    ChatSessions sessions;

    private ScheduledExecutorService timer;

    /** Created with the application, so the pings run from the first connection on. */
    void created(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // instantiating the bean is the point
    }

    @PostConstruct
    void start() {
        if (intervalMs > 0) {
            ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1,
                    NamedThreads.factory("duplex-ping"));
            scheduled.scheduleWithFixedDelay(this::round, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
            timer = scheduled;
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void round() {
        long now = System.nanoTime();
        long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMs > 0 ? timeoutMs : 2 * intervalMs);
        sessions.forEachHeard((session, heard) -> {
            if (now - heard > timeout) {
                close(session);
            } else {
                ping(session);
            }
        });
    }

    private static void ping(Session session) {
        try {
            session.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            LOG.log(Level.FINE, "Could not ping session " + session.getId(), e);
        }
    }

    private static void close(Session session) {
        LOG.fine(() -> "Session " + session.getId() + " did not answer pings: closing it");
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "no answer to pings"));
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "Could not close session " + session.getId(), e);
        }
    }
}
