package dev.duplex.stream;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * The HTTP client's executor: its threads take the streams' body lines, but a request is started on the thread
 * that starts it.
 *
 * <p>{@code HttpClient.sendAsync} hands an exchange's first step (taking a pooled connection, building the
 * request's headers) to the client's executor, where it waits for a free thread like any stream's line work.
 * Inside {@link #starting}, that step, and what it hands on from this thread, runs on the calling thread instead,
 * as in the JDK's own blocking {@code send}: one hand-off fewer before the provider has the request
 * (docs/benchmarks.md, finding 52). The JDK's selector thread still starts the connection's writing on the pool,
 * and the response is read and delivered as before.
 *
 * <p>Threading: thread-safe; the mark is per thread.
 */
final class UpstreamExecutor implements Executor {

    private static final ThreadLocal<Boolean> STARTING = new ThreadLocal<>();

    private final ExecutorService pool;

    UpstreamExecutor(ExecutorService pool) {
        this.pool = pool;
    }

    /** Runs {@code start}, which starts requests; their first steps run on this thread. */
    void starting(Runnable start) {
        if (STARTING.get() != null) {
            start.run();
            return;
        }
        STARTING.set(Boolean.TRUE);
        try {
            start.run();
        } finally {
            STARTING.remove();
        }
    }

    @Override
    public void execute(Runnable task) {
        if (STARTING.get() != null) {
            task.run();
        } else {
            pool.execute(task);
        }
    }

    ExecutorService pool() {
        return pool;
    }
}
