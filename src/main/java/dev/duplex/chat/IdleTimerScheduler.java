package dev.duplex.chat;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.lang.reflect.Field;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Gives Tyrus (Payara's WebSocket implementation) a plain scheduler for its per-session idle-timeout task.
 *
 * <p>Why: Tyrus 2.1.5 cancels and reschedules that task on every frame sent or received, even when no idle
 * timeout is set, on the container's {@code DefaultManagedScheduledExecutorService}. For each managed task
 * Payara captures and later restores the caller's contexts (HK2 look-ups, request tracing, class loader), which
 * costs more CPU than everything else Duplex does for a token (JFR, docs/benchmarks.md). The task only checks
 * the session's idle time and closes it with 1001, which needs none of those contexts.
 *
 * <p>Without an idle timeout (Duplex sets none: {@link Heartbeat} finds dead connections), Tyrus still schedules
 * the task, with a delay of 0, and the task then does nothing (it closes only when the timeout is above 0). Such
 * a task is not queued at all (it is known by its class, {@code TyrusSession$IdleTimeoutCommand}); each of them cost a
 * queue insertion under a lock on the sending thread plus a run on the timer thread, per frame (about 3% of
 * Duplex's CPU at 500 streams, measured with {@code top -H}). A timeout above 0 is scheduled as usual.
 *
 * <p>How: the application's own {@code ServerContainer} holds the executor in a private field that every new
 * session copies. When the container is not Tyrus (WildFly's Undertow) or the field is not there, nothing is
 * changed and the reason is logged once. Threading: runs at deployment and undeployment, before the first and
 * after the last session; the scheduler thread is owned here and shut down on undeploy.
 */
@WebListener
public class IdleTimerScheduler implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(IdleTimerScheduler.class.getName());
    private static final String TYRUS_FIELD = "managedScheduledExecutorService";
    private static final String IDLE_CHECK = "$IdleTimeoutCommand";

    private ScheduledThreadPoolExecutor scheduler;
    private Field field;
    private Object container;
    private Object original;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Object serverContainer = event.getServletContext().getAttribute(ServerContainer.class.getName());
        Field found = serverContainer == null ? null : find(serverContainer.getClass());
        if (found == null) {
            LOG.info(() -> "WebSocket container " + (serverContainer == null ? "absent" : serverContainer.getClass())
                    + " is not Tyrus: its idle-timeout scheduler is left as it is.");
            return;
        }
        ScheduledThreadPoolExecutor plain = new IdleChecks();
        plain.setRemoveOnCancelPolicy(true);
        try {
            found.setAccessible(true);
            original = found.get(serverContainer);
            found.set(serverContainer, plain);
        } catch (ReflectiveOperationException | RuntimeException e) {
            plain.shutdownNow();
            LOG.warning(() -> "Could not give Tyrus a plain idle-timeout scheduler; sends stay slower: " + e);
            return;
        }
        field = found;
        container = serverContainer;
        scheduler = plain;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (scheduler == null) {
            return;
        }
        try {
            field.set(container, original);
        } catch (ReflectiveOperationException e) {
            LOG.fine(() -> "Could not restore Tyrus's scheduler on undeploy: " + e);
        }
        // sessions that still hold this scheduler have their late tasks discarded, not rejected
        scheduler.shutdownNow();
    }

    /** A scheduler that skips the idle checks of sessions without an idle timeout, which would do nothing. */
    static final class IdleChecks extends ScheduledThreadPoolExecutor {

        IdleChecks() {
            super(1, runnable -> {
                Thread thread = new Thread(runnable, "duplex-ws-idle-timer");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return delay <= 0 && command.getClass().getName().endsWith(IDLE_CHECK) ? Skipped.INSTANCE
                    : super.schedule(command, delay, unit);
        }
    }

    /** The future of an idle check that was not needed: already done, nothing to cancel. */
    private static final class Skipped implements ScheduledFuture<Object> {

        static final Skipped INSTANCE = new Skipped();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    private static Field find(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field candidate = c.getDeclaredField(TYRUS_FIELD);
                if (candidate.getType() == ScheduledExecutorService.class) {
                    return candidate;
                }
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        return null;
    }
}
