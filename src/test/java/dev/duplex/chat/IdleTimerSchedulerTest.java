package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleTimerSchedulerTest {

    private final IdleTimerScheduler.IdleChecks scheduler = new IdleTimerScheduler.IdleChecks();
    private final AtomicInteger idleChecksRun = new AtomicInteger();

    /** Named as Tyrus's idle check is. */
    private final class IdleTimeoutCommand implements Runnable {
        @Override
        public void run() {
            idleChecksRun.incrementAndGet();
        }
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void anIdleCheckWithoutTimeoutIsNotQueuedAndEverythingElseRuns() throws Exception {
        ScheduledFuture<?> skipped = scheduler.schedule(new IdleTimeoutCommand(), 0, TimeUnit.MILLISECONDS);
        assertTrue(skipped.isDone());
        assertEquals(0, scheduler.getQueue().size(), "nothing queued for a session without an idle timeout");

        CountDownLatch others = new CountDownLatch(3);
        scheduler.schedule(others::countDown, 0, TimeUnit.MILLISECONDS);
        scheduler.execute(others::countDown);
        scheduler.submit(others::countDown);
        ScheduledFuture<?> timed = scheduler.schedule(new IdleTimeoutCommand(), 20, TimeUnit.MILLISECONDS);
        assertTrue(others.await(5, TimeUnit.SECONDS), "other tasks run, also with no delay");
        timed.get(5, TimeUnit.SECONDS);
        assertEquals(1, idleChecksRun.get(), "only the idle check with a timeout ran");
        skipped.cancel(true); // what Tyrus does with it on the next frame
    }
}
