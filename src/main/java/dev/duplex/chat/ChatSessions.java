package dev.duplex.chat;

import dev.duplex.account.AccountDeleted;
import dev.duplex.account.PasswordChanged;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open chat sessions, per owner (for the connection limit), and the turns running on them. Owns them in the
 * sense that stopping closes each with 1001 (going away), after its last frames, so clients reconnect elsewhere.
 * Threading: thread-safe.
 */
@ApplicationScoped
public class ChatSessions {

    private final Map<Session, Open> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> perOwner = new ConcurrentHashMap<>();
    private final AtomicInteger turns = new AtomicInteger();
    private volatile boolean refusing;

    /**
     * Registers {@code session} of {@code owner}, signed in with {@code credentials} (null for a token or an
     * anonymous owner), unless the owner has {@code max} open already (0: no limit).
     */
    boolean add(Session session, OrderedSender sender, String owner, String credentials, int max) {
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
            open.put(session, new Open(sender, owner, credentials));
        }
        return admitted[0];
    }

    void remove(Session session, String owner) {
        if (open.remove(session) != null) {
            perOwner.computeIfPresent(owner, (o, count) -> count <= 1 ? null : count - 1);
        }
    }

    /** The peer of {@code session} showed it is there: a pong, or any other frame. */
    void heard(Session session) {
        Open entry = open.get(session);
        if (entry != null) {
            entry.heardNanos = System.nanoTime();
        }
    }

    /** Each open session with the {@code System.nanoTime()} its peer was last heard at. */
    void forEachHeard(java.util.function.ObjLongConsumer<Session> action) {
        open.forEach((session, entry) -> action.accept(session, entry.heardNanos));
    }

    /** The owners with a session open. */
    Set<String> owners() {
        return Set.copyOf(perOwner.keySet());
    }

    public int count() {
        return open.size();
    }

    /** From now on new turns are refused: the server is stopping. */
    void refuseNewWork() {
        refusing = true;
    }

    boolean refusing() {
        return refusing;
    }

    /** A turn began on some session; {@link #turnEnded} when its answer is saved and its terminal frame queued. */
    void turnStarted() {
        turns.incrementAndGet();
    }

    void turnEnded() {
        turns.decrementAndGet();
    }

    int turnsRunning() {
        return turns.get();
    }

    /** Closes every session with 1001 after the frames already queued for it, such as a last terminal frame. */
    @PreDestroy
    void closeAll() {
        CloseReason goingAway = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
        open.values().forEach(entry -> entry.sender.close(goingAway));
    }

    /**
     * The account was deleted: its sessions close with 1008 (after LiveGenerations has stopped its answers, whose
     * end frames, sent once the answer is saved, may come too late to be sent).
     */
    void accountDeleted(@Observes @Priority(Interceptor.Priority.APPLICATION + 1) AccountDeleted deleted) {
        close(deleted.owner(), new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "account deleted"));
    }

    /**
     * The account's password was changed: its sessions signed in with another password close with 1008. Its
     * browsers that are still signed in reconnect and resume their answers, which run on; the others are refused.
     */
    void passwordChanged(@Observes PasswordChanged changed) {
        closeSignedInWithOldPassword(Map.of(changed.owner(), changed.credentials()));
    }

    /**
     * Closes with 1008 the sessions signed in with another password than their user's now: {@code current} has
     * the credentials of users, by owner. Sessions made with a personal token, and of other users, stay.
     */
    void closeSignedInWithOldPassword(Map<String, String> current) {
        CloseReason changed = new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "password changed");
        open.values().forEach(entry -> {
            String now = current.get(entry.owner);
            if (entry.credentials != null && now != null && !now.equals(entry.credentials)) {
                entry.sender.close(changed);
            }
        });
    }

    private void close(String owner, CloseReason reason) {
        open.values().stream().filter(entry -> entry.owner.equals(owner)).forEach(entry -> entry.sender.close(reason));
    }

    /** An open session's sender, its owner, and when its peer was last heard. */
    private static final class Open {

        final OrderedSender sender;
        final String owner;
        final String credentials;
        volatile long heardNanos = System.nanoTime();

        Open(OrderedSender sender, String owner, String credentials) {
            this.sender = sender;
            this.owner = owner;
            this.credentials = credentials;
        }
    }
}
