package dev.duplex.threads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Duplex's own threads, for work that must not pay the container's per-task context set-up (Payara scans
 * service files for every managed task: docs/benchmarks.md). Named {@code prefix-N} so a thread dump says whose
 * they are; daemon, and ended by their owner's {@code @PreDestroy} through {@link #stop}.
 */
public final class NamedThreads {

    private NamedThreads() {
    }

    public static ThreadFactory factory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Lets queued work finish for up to 5 s, then interrupts what is left. */
    public static void stop(ExecutorService executor) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
