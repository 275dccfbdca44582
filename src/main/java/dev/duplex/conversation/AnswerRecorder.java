package dev.duplex.conversation;

import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Saves answers while they stream: the text so far every {@code duplex.history.save-interval-ms} (default 2000;
 * only when it changed), and the outcome when the answer ends. A crash loses at most one interval of text.
 *
 * <p>Threading: the saves of one answer are queued one after another (each once the previous one is committed),
 * so a late partial save never overwrites the final one; no thread waits for a commit, so every answer ending at
 * the same moment shares the store writer's next transaction. Work that follows a save and blocks (JDBC), such as
 * settling a budget, runs on this bean's threads ({@code duplex-store-N}, {@code duplex.history.save-threads}),
 * never on a stream's. Not the container's managed executors: Payara sets up a context for every managed task,
 * which cost more than the work. Undeploying lets queued work finish for up to 5 s.
 */
@ApplicationScoped
public class AnswerRecorder {

    private static final Logger LOG = Logger.getLogger(AnswerRecorder.class.getName());

    @Inject
    ConversationStore store;

    @Inject
    @ConfigProperty(name = "duplex.history.save-interval-ms", defaultValue = "2000")
    long saveIntervalMs;

    @Inject
    @ConfigProperty(name = "duplex.history.save-threads", defaultValue = "4")
    int saveThreads;

    private ExecutorService executor;
    private ScheduledThreadPoolExecutor timer;

    @PostConstruct
    void start() {
        executor = Executors.newFixedThreadPool(Math.max(1, saveThreads), NamedThreads.factory("duplex-store"));
        timer = new ScheduledThreadPoolExecutor(1, NamedThreads.factory("duplex-store-timer"));
        timer.setRemoveOnCancelPolicy(true);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        NamedThreads.stop(executor);
    }

    /** Starts saving answer {@code answerId}, whose text so far {@code text} returns. */
    public Recording record(String answerId, Supplier<String> text) {
        Recording recording = new Recording(answerId, text);
        recording.periodic = timer.scheduleWithFixedDelay(recording::saveIfChanged, saveIntervalMs, saveIntervalMs,
                TimeUnit.MILLISECONDS);
        return recording;
    }

    /** The saves of one answer. */
    public final class Recording {

        private final String answerId;
        private final Supplier<String> text;
        private final AtomicBoolean saveQueued = new AtomicBoolean();
        private CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);
        private volatile ScheduledFuture<?> periodic;
        /** Characters of the text known to be stored; read and written only by the save running on the lane. */
        private int savedLength;

        Recording(String answerId, Supplier<String> text) {
            this.answerId = answerId;
            this.text = text;
        }

        /**
         * Queues one save, unless one is queued already: the text is read when the save runs, and only what came
         * after the saved text is sent (an answer only grows), so a save costs what is new, not the whole answer
         * again, and a store that falls behind holds one pending save per answer, not one per interval.
         */
        private void saveIfChanged() {
            if (saveQueued.compareAndSet(false, true)) {
                enqueue(this::saveNew);
            }
        }

        private CompletableFuture<Void> saveNew() {
            saveQueued.set(false);
            String now = text.get();
            int from = savedLength <= now.length() ? savedLength : 0;
            if (now.length() == from) {
                return CompletableFuture.completedFuture(null);
            }
            return store.savePartial(answerId, now.substring(from), from).whenComplete((saved, failure) ->
                    savedLength = failure == null ? now.length() : 0); // after a failure, the whole text again
        }

        /** Stops the periodic saves and stores the outcome; completes when it is committed. */
        public CompletionStage<Void> finish(AnswerOutcome outcome) {
            ScheduledFuture<?> current = periodic;
            if (current != null) {
                current.cancel(false);
            }
            return enqueue(() -> store.end(answerId, outcome));
        }

        /** Runs {@code work} after this answer's saves, on the same lane; completes when it has run. */
        public synchronized CompletionStage<Void> then(Runnable work) {
            return logged(lane.thenRunAsync(work, executor));
        }

        private synchronized CompletableFuture<Void> enqueue(Supplier<CompletableFuture<Void>> save) {
            return logged(lane.thenCompose(previous -> save.get()));
        }

        private CompletableFuture<Void> logged(CompletableFuture<Void> next) {
            lane = next.exceptionally(failure -> {
                LOG.log(Level.WARNING, "Could not save answer " + answerId, failure);
                return null;
            });
            return lane;
        }
    }
}
