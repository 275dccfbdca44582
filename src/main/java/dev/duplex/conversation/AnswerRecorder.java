package dev.duplex.conversation;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Saves answers while they stream: the text so far every {@code duplex.history.save-interval-ms} (default 2000;
 * only when it changed), and the outcome when the answer ends. A crash loses at most one interval of text.
 *
 * <p>Threading: the saves of one answer run one after another on the container's managed executor (JDBC
 * blocks; the stream's threads must not), so a late partial save never overwrites the final one.
 */
@ApplicationScoped
public class AnswerRecorder {

    private static final Logger LOG = Logger.getLogger(AnswerRecorder.class.getName());

    @Inject
    ConversationStore store;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService timer;

    @Inject
    @ConfigProperty(name = "duplex.history.save-interval-ms", defaultValue = "2000")
    long saveIntervalMs;

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
        private CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);
        private volatile ScheduledFuture<?> periodic;
        private String saved = "";

        Recording(String answerId, Supplier<String> text) {
            this.answerId = answerId;
            this.text = text;
        }

        private void saveIfChanged() {
            String now = text.get();
            if (!now.equals(saved)) {
                saved = now;
                enqueue(() -> store.savePartial(answerId, now));
            }
        }

        /** Stops the periodic saves and stores the outcome; completes when it is committed. */
        public CompletionStage<Void> finish(AnswerOutcome outcome) {
            ScheduledFuture<?> current = periodic;
            if (current != null) {
                current.cancel(false);
            }
            return enqueue(() -> store.end(answerId, outcome));
        }

        private synchronized CompletableFuture<Void> enqueue(Runnable save) {
            lane = lane.thenRunAsync(save, executor).exceptionally(failure -> {
                LOG.log(Level.WARNING, "Could not save answer " + answerId, failure);
                return null;
            });
            return lane;
        }
    }
}
