package dev.duplex.chat;

import dev.duplex.account.AccountDeleted;
import dev.duplex.conversation.ConversationDeleted;
import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The generations a client may attach to, running or recently ended. A generation belongs to the server, not to
 * the connection that started it: it runs on when its clients go, until it ends, is cancelled, or nobody has
 * watched it for {@code duplex.resume.grace-ms} (then it is cancelled, and saved as such). After its end it stays
 * resumable for {@code duplex.resume.keep-ms}, while the ended generations' replay buffers together stay under
 * {@code duplex.resume.max-buffer-bytes} (the oldest go first).
 *
 * <p>Threading: thread-safe. One timer thread ({@code duplex-resume}) enforces the grace period and the expiry;
 * it is this bean's and ends with it.
 */
@ApplicationScoped
public class LiveGenerations {

    private static final long SWEEP_MS = 200;

    @Inject
    @ConfigProperty(name = "duplex.resume.grace-ms", defaultValue = "300000")
    long graceMs;

    @Inject
    @ConfigProperty(name = "duplex.resume.keep-ms", defaultValue = "120000")
    long keepMs;

    @Inject
    @ConfigProperty(name = "duplex.resume.max-buffer-bytes", defaultValue = "67108864")
    long maxBufferBytes;

    private final Map<String, LiveGeneration> live = new ConcurrentHashMap<>();
    /** The generations of {@link #live} not yet ended: the only ones the grace period applies to. */
    private final Set<LiveGeneration> running = ConcurrentHashMap.newKeySet();
    /** Ended generations in the order they ended, with the bytes they hold in {@link #endedBytes}. */
    private final ConcurrentLinkedQueue<Ended> ended = new ConcurrentLinkedQueue<>();
    private final AtomicLong endedBytes = new AtomicLong();
    private ScheduledThreadPoolExecutor timer;

    @PostConstruct
    void start() {
        timer = new ScheduledThreadPoolExecutor(1, NamedThreads.factory("duplex-resume"));
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    void add(LiveGeneration generation) {
        live.put(generation.id(), generation);
        running.add(generation);
    }

    /** The owner's generation {@code id}, or null: unknown, expired, or someone else's (which is not said). */
    LiveGeneration find(String owner, String id) {
        LiveGeneration generation = live.get(id);
        return generation != null && generation.owner().equals(owner) ? generation : null;
    }

    /**
     * The conversation was deleted: its owner's generations still writing into it are cancelled (the provider's
     * connection closed), and their clients get the {@code end} of a stop.
     */
    void conversationDeleted(@Observes ConversationDeleted deleted) {
        cancelRunning(generation -> generation.owner().equals(deleted.owner())
                && deleted.conversationId().equals(generation.conversationId()));
    }

    /** The account was deleted: its running generations are cancelled, as its conversations' would be. */
    void accountDeleted(@Observes @Priority(Interceptor.Priority.APPLICATION) AccountDeleted deleted) {
        cancelRunning(generation -> generation.owner().equals(deleted.owner()));
    }

    /** The owners of the generations running, watched or not. */
    Set<String> runningOwners() {
        return running.stream().map(LiveGeneration::owner).collect(Collectors.toSet());
    }

    private void cancelRunning(Predicate<LiveGeneration> which) {
        running.stream().filter(which).forEach(LiveGeneration::cancel);
    }

    /** {@code generation} has sent its terminal frame: resumable for {@code keep-ms}, within the byte budget. */
    void ended(LiveGeneration generation) {
        running.remove(generation);
        long bytes = generation.bytes();
        ended.add(new Ended(generation, bytes));
        endedBytes.addAndGet(bytes);
        while (endedBytes.get() > maxBufferBytes) {
            if (!forgetOldest()) {
                break;
            }
        }
    }

    /**
     * Cancels every generation unwatched for longer than the grace period, and forgets expired ones. Only the
     * running generations are visited: the ended ones kept for resuming are many more (every answer of the last
     * {@code keep-ms}), and each visit takes the generation's lock.
     */
    private void sweep() {
        long now = System.nanoTime();
        long grace = TimeUnit.MILLISECONDS.toNanos(graceMs);
        running.forEach(generation -> {
            long since = generation.unwatchedSinceNanos();
            if (since != 0 && now - since >= grace) {
                generation.cancel();
            }
        });
        long keep = TimeUnit.MILLISECONDS.toNanos(keepMs);
        for (Ended oldest = ended.peek(); oldest != null && now - oldest.generation.endedNanos() >= keep;
             oldest = ended.peek()) {
            forgetOldest();
        }
    }

    private boolean forgetOldest() {
        Ended oldest = ended.poll();
        if (oldest == null) {
            return false;
        }
        live.remove(oldest.generation.id(), oldest.generation);
        endedBytes.addAndGet(-oldest.bytes);
        return true;
    }

    /**
     * Generations running now, watched or not (a gauge: DuplexGauges). Like the sweep, it visits the running
     * generations only, not every one kept for resuming: a scrape then takes a few hundred generations' locks
     * under load rather than tens of thousands.
     */
    public long running() {
        return running.stream().filter(LiveGeneration::running).count();
    }

    /** Bytes the replay buffers of running and recently ended generations hold (a gauge: DuplexGauges). */
    public long bufferedBytes() {
        return endedBytes.get() + running.stream().filter(LiveGeneration::running)
                .mapToLong(LiveGeneration::bytes).sum();
    }

    private record Ended(LiveGeneration generation, long bytes) {
    }
}
