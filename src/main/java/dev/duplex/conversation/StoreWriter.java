package dev.duplex.conversation;

import dev.duplex.database.Database;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: every write to the conversation store runs on one writer thread ({@code duplex-store-writer}),
 * and the writes waiting when it is free share one transaction, so a thousand turns beginning at once cost a
 * few commits instead of a thousand. Each caller still returns only once its write is committed: nothing is
 * acknowledged before it is durable. A caller that must not block {@link #submit submits} its write and goes on
 * when the future completes; futures complete on {@code duplex-store-done}, never on the writer, so what callers
 * chain on them does not hold up the next commit.
 *
 * <p>Each write of a shared transaction is flushed, and its entities detached, before the next one runs: the
 * provider compares every managed entity with its copy at each flush, and each query flushes first, so a
 * persistence context kept across a batch made a batch of n writes cost n² comparisons. A write therefore
 * finds only its own entities managed, and sees the earlier writes of its batch in the database.
 *
 * <p>A write that refuses with a {@link DuplexException} must do so before it changes anything (it then fails
 * alone, and the others commit). Any other failure rolls the shared transaction back, and each of its writes is
 * run again on its own, so one bad write never fails another.
 *
 * <p>Threading: {@link #write} and {@link #submit} may be called from any thread but the writer's own;
 * {@code write} blocks until the commit.
 */
@ApplicationScoped
public class StoreWriter {

    private static final Logger LOG = Logger.getLogger(StoreWriter.class.getName());
    private static final int MAX_BATCH = 256;
    /** Text a transaction may carry (chars): a batch stops growing past it, so answers of a megabyte that end
     * together do not make one transaction of hundreds of megabytes. A heavier write runs alone. */
    static final long MAX_BATCH_CHARS = 4_000_000;

    @Inject
    Database database;

    private final BlockingQueue<Write<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private volatile boolean stopping;
    private Thread writer;
    private ExecutorService completions;

    /** One write; its result is kept until the transaction it ran in has committed. */
    private final class Write<T> {

        final Function<EntityManager, T> work;
        final long chars;
        final CompletableFuture<T> outcome = new CompletableFuture<>();
        private T result;
        private boolean ended;

        Write(Function<EntityManager, T> work, long chars) {
            this.work = work;
            this.chars = chars;
        }

        void run(EntityManager em) {
            result = work.apply(em);
        }

        boolean ended() {
            return ended;
        }

        void committed() {
            ended = true;
            T value = result;
            completions.execute(() -> outcome.complete(value));
        }

        void failed(Throwable failure) {
            ended = true;
            completions.execute(() -> outcome.completeExceptionally(failure));
        }
    }

    @PostConstruct
    void start() {
        completions = Executors.newSingleThreadExecutor(NamedThreads.factory("duplex-store-done"));
        writer = NamedThreads.factory("duplex-store-writer").newThread(this::loop);
        writer.start();
    }

    /**
     * Lets the queued writes finish (up to 5 s), then stops; later writes are refused. The completions' thread is
     * ended whatever happens before: on Payara this runs after the application's class loader has stopped, where
     * a class not loaded yet cannot be (see {@code UpstreamClient.stop}).
     */
    @PreDestroy
    void stop() {
        stopping = true;
        writer.interrupt();
        try {
            try {
                writer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Write<?>> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(write -> write.failed(shuttingDown()));
        } finally {
            NamedThreads.stop(completions);
        }
    }

    /** Runs {@code work} in a transaction, perhaps shared with other writes; returns once it is committed. */
    public <T> T write(Function<EntityManager, T> work) {
        return write(work, 0);
    }

    /** As {@link #write(Function)}, for a write that carries {@code chars} characters of text. */
    public <T> T write(Function<EntityManager, T> work, long chars) {
        try {
            return submit(work, chars).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DuplexException(ErrorCode.STORAGE_ERROR, "Interrupted while storing.", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new DuplexException(ErrorCode.STORAGE_ERROR, "The conversation could not be stored.", e.getCause());
        }
    }

    /**
     * Queues {@code work} for a transaction, perhaps shared with other writes. The future completes with its
     * result once that transaction has committed, or with its failure (a {@link DuplexException} when refused).
     */
    public <T> CompletableFuture<T> submit(Function<EntityManager, T> work) {
        return submit(work, 0);
    }

    /** As {@link #submit(Function)}, for a write that carries {@code chars} characters of text. */
    public <T> CompletableFuture<T> submit(Function<EntityManager, T> work, long chars) {
        if (stopping) {
            return CompletableFuture.failedFuture(shuttingDown());
        }
        Write<T> write = new Write<>(work, chars);
        queue.add(write);
        return write.outcome;
    }

    public long writes() {
        return writes.get();
    }

    public long transactions() {
        return transactions.get();
    }

    /** Writes waiting for the writer. */
    int queued() {
        return queue.size();
    }

    private void loop() {
        List<Write<?>> batch = new ArrayList<>();
        while (!stopping || !queue.isEmpty()) {
            Write<?> first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                if (stopping) {
                    queue.drainTo(batch);
                    commit(batch);
                    batch.clear();
                }
                continue;
            }
            batch.add(first);
            long chars = first.chars;
            Write<?> next;
            while (batch.size() < MAX_BATCH && chars < MAX_BATCH_CHARS && (next = queue.peek()) != null
                    && chars + next.chars <= MAX_BATCH_CHARS) {
                batch.add(queue.poll());
                chars += next.chars;
            }
            commit(batch);
            batch.clear();
        }
    }

    private void commit(List<Write<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        writes.addAndGet(batch.size());
        transactions.incrementAndGet();
        List<Write<?>> applied = new ArrayList<>();
        try {
            database.transaction(em -> {
                for (Write<?> write : batch) {
                    try {
                        write.run(em);
                        em.flush();
                        applied.add(write);
                    } catch (DuplexException refused) {
                        write.failed(refused); // refused before it changed anything
                    } finally {
                        em.clear();
                    }
                }
                return null;
            });
        } catch (RuntimeException failure) {
            List<Write<?>> pending = batch.stream().filter(write -> !write.ended()).toList();
            if (pending.size() == 1) {
                pending.get(0).failed(failure);
            } else {
                LOG.log(Level.FINE, "A transaction of " + pending.size() + " writes failed; running each alone",
                        failure);
                pending.forEach(this::alone);
            }
            return;
        }
        applied.forEach(Write::committed);
    }

    private void alone(Write<?> write) {
        transactions.incrementAndGet();
        try {
            database.transaction(em -> {
                write.run(em);
                return null;
            });
            write.committed();
        } catch (RuntimeException failure) {
            write.failed(failure);
        }
    }

    private static DuplexException shuttingDown() {
        return new DuplexException(ErrorCode.STORAGE_ERROR, "The server is shutting down; the write was not stored.");
    }
}
