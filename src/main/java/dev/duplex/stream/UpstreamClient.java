package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.threads.NamedThreads;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.Catalogue;
import dev.duplex.provider.ChatMessage;
import dev.duplex.provider.CircuitBreakers;
import dev.duplex.provider.ModelCatalogue;
import dev.duplex.provider.ModelEntry;
import dev.duplex.provider.Provider;
import dev.duplex.usage.UsageLedger;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Owns every call to the providers: the HTTP client, its executor, the timer for timeouts and retries, and the
 * set of attempts still holding an exchange. Shutting the application down aborts them all.
 *
 * <p>Threading: thread-safe; {@link #prepare} may be called from any thread.
 */
@ApplicationScoped
public class UpstreamClient {

    private static final Logger LOG = Logger.getLogger(UpstreamClient.class.getName());

    @Inject
    Config config;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    CircuitBreakers breakers;

    @Inject
    UsageLedger ledger;

    private final Set<Attempt> open = ConcurrentHashMap.newKeySet();
    private final UnfinishedExchanges unfinished = new UnfinishedExchanges();
    private final Set<Generation> running = ConcurrentHashMap.newKeySet();
    private ExecutorService executor;
    private ScheduledExecutorService timer;
    private HttpClient http;

    @PostConstruct
    void start() {
        int threads = config.getOptionalValue("duplex.upstream.threads", Integer.class)
                .orElse(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        executor = Executors.newFixedThreadPool(threads, NamedThreads.factory("duplex-upstream"));
        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1,
                NamedThreads.factory("duplex-upstream-timer"));
        scheduled.setRemoveOnCancelPolicy(true);
        timer = scheduled;
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(millis("duplex.upstream.connect-timeout-ms", 10_000)))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            LOG.warning("The JVM's common fork-join pool has a parallelism of 1 (a machine of 2 cores or fewer), so the"
                    + " JDK's HTTP client starts a new thread at the end of every request to a provider (0.2-0.3 ms"
                    + " of CPU each). Start the server with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
                    + " (server-config/payara/jvm.options; docs/benchmarks.md, finding 71).");
        }
    }

    /** Ends every running generation with {@code shutting_down} (the server is stopping). */
    public void stopAll() {
        DuplexException shutdown = new DuplexException(ErrorCode.SHUTTING_DOWN, "The server is shutting down.");
        running.forEach(generation -> generation.fail(shutdown));
        open.forEach(attempt -> attempt.fail(shutdown));
    }

    /**
     * Ends the threads. Payara destroys the application's beans after it has stopped the application's class
     * loader, on undeploy and at the server's stop alike, so a class not loaded by then cannot be loaded here: the
     * generations have normally been ended by {@code GracefulShutdown} while it still could, and the threads are
     * shut down whatever happens before.
     */
    @PreDestroy
    void stop() {
        try {
            if (!running.isEmpty() || !open.isEmpty()) {
                stopAll();
            }
        } finally {
            unfinished.cancelAll(open); // no request can be using their connections any more
            timer.shutdownNow();
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Prepares generation {@code id}: a streamed answer to {@code messages} from {@code model} (null: the default
     * model) or its fallbacks, reported to {@code listener} once {@link Generation#start()} is called.
     *
     * @throws DuplexException {@code unknown_model} when the catalogue has no such model
     */
    public Generation prepare(String id, String model, List<ChatMessage> messages, GenerationListener listener) {
        Catalogue current = catalogue.current();
        ModelEntry entry = current.model(model);
        HistoryWindow window = HistoryWindow.fit(messages, historyBudget(entry));
        Generation generation = new Generation(id, entry, current, window.messages(), window.dropped(),
                new Forget(listener), this, retryPolicy());
        running.add(generation);
        return generation;
    }

    /** Generations not yet ended. */
    public int runningGenerations() {
        return running.size();
    }

    /** Attempts whose upstream exchange is still open. */
    public int openExchanges() {
        return open.size();
    }

    Attempt attempt(ModelEntry model, Provider provider, List<ChatMessage> messages, AttemptListener listener) {
        long firstTokenMs = provider.timeoutMs() != null ? provider.timeoutMs()
                : millis("duplex.upstream.first-token-timeout-ms", 120_000);
        UpstreamCall call = new UpstreamCall(model, provider, TimeUnit.MILLISECONDS.toNanos(firstTokenMs),
                TimeUnit.MILLISECONDS.toNanos(millis("duplex.upstream.idle-timeout-ms", 60_000)),
                estimateTokens(messages));
        return new Attempt(call, messages, listener, timer, this::closed);
    }

    private void closed(Attempt attempt) {
        open.remove(attempt);
        unfinished.keep(attempt);
    }

    /** Registers and starts an attempt; a request that cannot even be built fails the attempt. */
    void begin(Attempt attempt) {
        open.add(attempt);
        try {
            attempt.start(http);
        } catch (RuntimeException e) {
            open.remove(attempt);
            LOG.warning(() -> "Could not start the request of " + attempt.call() + ": " + e);
            attempt.fail(e instanceof DuplexException duplex ? duplex
                    : new DuplexException(ErrorCode.INTERNAL_ERROR, "Could not start the upstream request.", e));
        }
    }

    CircuitBreakers breakers() {
        return breakers;
    }

    UsageLedger ledger() {
        return ledger;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Tokens of history a model may be sent: {@code duplex.history.max-input-tokens} if set, and at most its
     * context window less its maximum output (4096 when not configured).
     */
    private long historyBudget(ModelEntry model) {
        long budget = config.getOptionalValue("duplex.history.max-input-tokens", Long.class).orElse(Long.MAX_VALUE);
        if (model.contextWindow() != null) {
            long output = model.maxOutputTokens() != null ? model.maxOutputTokens() : 4096;
            budget = Math.min(budget, Math.max(1, model.contextWindow() - output));
        }
        return budget;
    }

    private RetryPolicy retryPolicy() {
        return new RetryPolicy(config.getOptionalValue("duplex.retry.max-attempts", Integer.class).orElse(3),
                millis("duplex.retry.base-delay-ms", 500), millis("duplex.retry.max-delay-ms", 8_000),
                millis("duplex.retry.budget-ms", 30_000));
    }

    private long millis(String key, long defaultValue) {
        return config.getOptionalValue(key, Long.class).orElse(defaultValue);
    }

    /**
     * About four characters a token: where the provider does not report usage, for the history budget, and for
     * budget reservations before the call.
     */
    public static long estimateTokens(List<ChatMessage> messages) {
        long chars = 0;
        for (ChatMessage message : messages) {
            chars += message.content().length() + 4;
        }
        return (chars + 3) / 4;
    }

    /** Drops a generation from {@link #running} when it ends, then passes the outcome on. */
    private final class Forget implements GenerationListener {

        private final GenerationListener listener;

        Forget(GenerationListener listener) {
            this.listener = listener;
        }

        @Override
        public void onToken(String text) {
            listener.onToken(text);
        }

        @Override
        public void onNotice(Notice notice) {
            listener.onNotice(notice);
        }

        @Override
        public void onEnd(Generation generation, String finishReason, dev.duplex.provider.Usage usage,
                          dev.duplex.provider.Cost cost) {
            running.remove(generation);
            listener.onEnd(generation, finishReason, usage, cost);
        }

        @Override
        public void onError(Generation generation, DuplexException error, dev.duplex.provider.Usage usage,
                            dev.duplex.provider.Cost cost) {
            running.remove(generation);
            listener.onError(generation, error, usage, cost);
        }
    }
}
