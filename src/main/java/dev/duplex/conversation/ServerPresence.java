package dev.duplex.conversation;

import dev.duplex.database.Database;
import dev.duplex.database.InstantColumn;
import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * This server among those that share the database (a cluster), so that the answers a server that is gone left
 * streaming are marked interrupted, and only those: before, each server's start marked every streaming answer,
 * the other servers' live ones included. A server has a name ({@code duplex.server.name}, default the host's),
 * kept with each answer it streams, and a row in {@code duplex_server} whose time it renews every
 * {@code duplex.server.presence-ms} (default 10,000). A server that has not renewed it for three intervals is gone.
 * At its start a server marks the answers of its own name (it was stopped or killed: none of them runs any more)
 * and, at its start and every renewal, those of servers that are gone (killed, or stopped while they streamed),
 * then forgets those servers.
 *
 * <p>Threading: thread-safe; one timer thread ({@code duplex-presence}) renews, this bean's, ended with it.
 */
@ApplicationScoped
public class ServerPresence {

    private static final Logger LOG = Logger.getLogger(ServerPresence.class.getName());
    /** The {@code duplex_server.name} and {@code message.server_name} columns' length. */
    private static final int MAX_NAME = 100;
    private static final int INTERVALS_TO_GONE = 3;

    @Inject
    Config config;

    @Inject
    Database database;

    private String name;
    private long intervalMs;
    private ScheduledThreadPoolExecutor timer;
    private boolean lastRenewalFailed;

    @PostConstruct
    void configure() {
        name = config.getOptionalValue("duplex.server.name", String.class).map(String::strip)
                .filter(value -> !value.isEmpty()).orElseGet(ServerPresence::hostName);
        if (name.length() > MAX_NAME) {
            throw new IllegalStateException("duplex.server.name is at most " + MAX_NAME + " characters: " + name);
        }
        intervalMs = config.getOptionalValue("duplex.server.presence-ms", Long.class).orElse(10_000L);
        if (intervalMs <= 0) {
            throw new IllegalStateException("duplex.server.presence-ms must be more than 0, not " + intervalMs);
        }
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return host.length() > MAX_NAME ? host.substring(0, MAX_NAME) : host;
        } catch (UnknownHostException e) {
            return "duplex";
        }
    }

    /** The name this server's answers carry. */
    public String name() {
        return name;
    }

    /**
     * At deployment, once the schema is up to date: renews this server's presence, marks the answers of this
     * server's name and of servers that are gone as interrupted, and starts the renewals. Returns how many it marked.
     */
    int start() {
        int marked = database.transaction(em -> renewAndMark(em, true));
        timer = new ScheduledThreadPoolExecutor(1, NamedThreads.factory("duplex-presence"));
        timer.scheduleWithFixedDelay(this::renewal, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        return marked;
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The timer's round: a failure (the database is down) is logged once until a round succeeds again. */
    private void renewal() {
        try {
            int marked = database.transaction(em -> renewAndMark(em, false));
            if (marked > 0) {
                LOG.warning(() -> marked + " answers of a server that stopped renewing its presence (killed?) were"
                        + " left streaming: marked interrupted");
            }
            lastRenewalFailed = false;
        } catch (RuntimeException e) {
            if (!lastRenewalFailed) {
                LOG.log(Level.WARNING, "Could not renew this server's presence in the database; its answers stay"
                        + " streaming for the other servers for " + INTERVALS_TO_GONE * intervalMs + " ms", e);
            }
            lastRenewalFailed = true;
        }
    }

    private int renewAndMark(EntityManager em, boolean ownToo) {
        Instant now = Instant.now();
        OffsetDateTime seen = InstantColumn.column(now);
        if (em.createNativeQuery("UPDATE duplex_server SET seen_at = ? WHERE name = ?")
                .setParameter(1, seen).setParameter(2, name).executeUpdate() == 0) {
            em.createNativeQuery("INSERT INTO duplex_server (name, seen_at) VALUES (?, ?)")
                    .setParameter(1, name).setParameter(2, seen).executeUpdate();
        }
        OffsetDateTime cutoff = InstantColumn.column(now.minusMillis(INTERVALS_TO_GONE * intervalMs));
        var mark = em.createNativeQuery("UPDATE message SET status = ?, updated_at = ? WHERE status = ? AND"
                        + " (server_name IS NULL"
                        + " OR server_name NOT IN (SELECT name FROM duplex_server WHERE seen_at >= ?)"
                        + (ownToo ? " OR server_name = ?)" : ")"))
                .setParameter(1, MessageStatus.INTERRUPTED.name()).setParameter(2, seen)
                .setParameter(3, MessageStatus.STREAMING.name()).setParameter(4, cutoff);
        if (ownToo) {
            mark.setParameter(5, name);
        }
        int marked = mark.executeUpdate();
        em.createNativeQuery("DELETE FROM duplex_server WHERE seen_at < ?").setParameter(1, cutoff).executeUpdate();
        return marked;
    }
}
