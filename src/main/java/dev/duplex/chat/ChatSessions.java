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

    void add(Session session) {
        open.add(session);
    }

    void remove(Session session) {
        open.remove(session);
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
    }
}
