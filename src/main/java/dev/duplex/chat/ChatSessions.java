package dev.duplex.chat;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.annotation.Gauge;

/**
 * The open chat sessions. Owns them in the sense that undeploying the application closes each with 1001
 * (going away), so clients reconnect elsewhere. Threading: thread-safe.
 */
@ApplicationScoped
public class ChatSessions {

    private static final Logger LOG = Logger.getLogger(ChatSessions.class.getName());

    private final Set<Session> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Integer> perOwner = new ConcurrentHashMap<>();

    /** Registers {@code session} of {@code owner}, unless the owner has {@code max} open already (0: no limit). */
    boolean add(Session session, String owner, int max) {
        boolean[] admitted = {false};
        perOwner.compute(owner, (o, count) -> {
            int now = count == null ? 0 : count;
            if (max > 0 && now >= max) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (admitted[0]) {
            open.add(session);
        }
        return admitted[0];
    }

    void remove(Session session, String owner) {
        if (open.remove(session)) {
            perOwner.computeIfPresent(owner, (o, count) -> count <= 1 ? null : count - 1);
        }
    }

    @Gauge(name = "duplex.sessions.open", unit = "none", absolute = true,
            description = "WebSocket chat sessions currently open")
    public int count() {
        return open.size();
    }

    @PreDestroy
    void closeAll() {
        for (Session session : open) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down"));
            } catch (IOException | IllegalStateException e) {
                LOG.log(Level.FINE, "Could not close session " + session.getId(), e);
            }
        }
        open.clear();
        perOwner.clear();
    }
}
