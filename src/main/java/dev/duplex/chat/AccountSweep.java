package dev.duplex.chat;

import dev.duplex.account.AccountDeleted;
import dev.duplex.account.Accounts;
import dev.duplex.account.AuthMode;
import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Stops what an account deleted on another server of the cluster still has on this one, and closes the chat
 * connections signed in with a password changed since. The server where it happens acts at once
 * ({@link AccountDeleted}, {@code PasswordChanged}), but those events are local: here the connections stayed open
 * and answered their messages. Every {@code duplex.auth.account-check-ms} (default 5,000) the accounts of the users
 * with a connection open or an answer running on this server are looked up (one query for up to 500 users): those
 * that are gone get the same treatment as on the deleting server (answers stopped, connections closed with 1008),
 * and a connection whose browser signed in with another password than the account's now is closed with 1008 (a
 * connection made with a personal token is not: tokens outlive password changes). It also catches a connection
 * opened with a session a moment before its password changed. 0 turns it off; in {@code anonymous} mode there
 * are no accounts and it does not run.
 *
 * <p>Threading: one timer thread ({@code duplex-account-check}), this bean's, ended with it.
 */
@ApplicationScoped
public class AccountSweep {

    private static final Logger LOG = Logger.getLogger(AccountSweep.class.getName());

    @Inject
    @ConfigProperty(name = "duplex.auth.account-check-ms", defaultValue = "5000")
    long intervalMs;

    @Inject
    ChatSessions sessions;

    @Inject
    LiveGenerations generations;

    @Inject
    Accounts accounts;

    @Inject
    Event<AccountDeleted> deleted;

    private ScheduledThreadPoolExecutor timer;
    private boolean lastSweepFailed;

    /** Created with the application, so that the check runs from the first connection on. */
    void created(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // instantiating the bean is the point
    }

    @PostConstruct
    void start() {
        if (intervalMs > 0 && AuthMode.current() != AuthMode.ANONYMOUS) {
            timer = new ScheduledThreadPoolExecutor(1, NamedThreads.factory("duplex-account-check"));
            timer.scheduleWithFixedDelay(this::sweep, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void sweep() {
        Set<String> owners = new HashSet<>(sessions.owners());
        owners.addAll(generations.runningOwners());
        Set<String> usernames = new HashSet<>();
        for (String owner : owners) {
            if (owner.startsWith(Accounts.OWNER_PREFIX)) {
                usernames.add(owner.substring(Accounts.OWNER_PREFIX.length()));
            }
        }
        if (usernames.isEmpty()) {
            return;
        }
        Map<String, String> current = new HashMap<>();
        try {
            accounts.credentials(usernames).forEach((username, credentials) -> current.put(Accounts.owner(username),
                    credentials));
            lastSweepFailed = false;
        } catch (RuntimeException e) { // the database is down: the next round asks again
            if (!lastSweepFailed) {
                LOG.log(Level.WARNING, "Could not check whether the accounts connected here still exist", e);
            }
            lastSweepFailed = true;
            return;
        }
        sessions.closeSignedInWithOldPassword(current);
        for (String gone : usernames) {
            if (current.containsKey(Accounts.owner(gone))) {
                continue;
            }
            LOG.info(() -> "The account " + gone + " no longer exists (deleted on another server?): its answers here"
                    + " are stopped and its connections closed");
            deleted.fire(new AccountDeleted(Accounts.owner(gone)));
        }
    }
}
