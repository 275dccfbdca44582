package dev.duplex.conversation;

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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: every write to the conversation store runs on one writer thread ({@code duplex-store-writer}),
 * and the writes waiting when it is free share one transaction, so a thousand turns beginning at once cost a
 * few commits instead of a thousand. Each caller still returns only once its write is committed: nothing is
 * acknowledged before it is durable.
 *
 * <p>A write that refuses with a {@link DuplexException} must do so before it changes anything (it then fails
 * alone, and the others commit). Any other failure rolls the shared transaction back, and each of its writes is
 * run again on its own, so one bad write never fails another.
 *
 * <p>Threading: {@link #write} may be called from any thread but the writer's own; it blocks until the commit.
 */
@ApplicationScoped
public class StoreWriter {

    private static final Logger LOG = Logger.getLogger(StoreWriter.class.getName());
    private static final int MAX_BATCH = 256;

    @Inject
    Database database;

    private final BlockingQueue<Write<?>> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private Thread writer;

    /** One write; its result is kept until the transaction it ran in has committed. */
    private static final class Write<T> {

        final Function<EntityManager, T> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;

        Write(Function<EntityManager, T> work) {
            this.work = work;
        }

        void run(EntityManager em) {
            result = work.apply(em);
        }

        void committed() {
            done.complete(result);
        }

        void failed(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    @PostConstruct
    void start() {
        writer = NamedThreads.factory("duplex-store-writer").newThread(this::loop);
        writer.start();
    }

    /** Lets the queued writes finish (up to 5 s), then stops; later writes are refused. */
    @PreDestroy
    void stop() {
        stopping = true;
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Write<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(write -> write.failed(shuttingDown()));
    }

    /** Runs {@code work} in a transaction, perhaps shared with other writes; returns once it is committed. */
    public <T> T write(Function<EntityManager, T> work) {
        if (stopping) {
            throw shuttingDown();
        }
        Write<T> write = new Write<>(work);
        queue.add(write);
        try {
            return write.done.get();
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

    /** Writes waiting for the writer. */
    int queued() {
        return queue.size();
    }

    private void loop() {
        List<Write<?>> batch = new ArrayList<>();
        while (!stopping || !queue.isEmpty()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                if (stopping) {
                    queue.drainTo(batch);
                } else {
                    continue;
                }
            }
            queue.drainTo(batch, MAX_BATCH - batch.size());
            commit(batch);
            batch.clear();
        }
    }

    private void commit(List<Write<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Write<?>> applied = new ArrayList<>();
        try {
            database.transaction(em -> {
                for (Write<?> write : batch) {
                    try {
                        write.run(em);
                        applied.add(write);
                    } catch (DuplexException refused) {
                        write.failed(refused); // refused before it changed anything
                    }
                }
                return null;
            });
        } catch (RuntimeException failure) {
            List<Write<?>> pending = batch.stream().filter(write -> !write.done.isDone()).toList();
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
