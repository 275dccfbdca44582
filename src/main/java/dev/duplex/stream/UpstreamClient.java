package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.annotation.Gauge;

/**
 * Owns every call to the OpenAI-compatible upstream: the HTTP client, its executor, the timeout timer and the
 * set of generations still holding an exchange. Shutting the application down aborts them all.
 *
 * <p>Threading: thread-safe; {@link #stream} may be called from any thread.
 */
@ApplicationScoped
public class UpstreamClient {

    private static final Logger LOG = Logger.getLogger(UpstreamClient.class.getName());
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Inject
    UpstreamSettings settings;

    private final Set<Generation> open = ConcurrentHashMap.newKeySet();
    private ExecutorService executor;
    private ScheduledExecutorService timer;
    private HttpClient http;

    @PostConstruct
    void start() {
        executor = Executors.newFixedThreadPool(settings.threads(), named("duplex-upstream"));
        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1, named("duplex-upstream-timer"));
        scheduled.setRemoveOnCancelPolicy(true);
        timer = scheduled;
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(settings.connectTimeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    @PreDestroy
    void stop() {
        open.forEach(generation -> generation.fail(
                new DuplexException(ErrorCode.SHUTTING_DOWN, "The server is shutting down.")));
        timer.shutdownNow();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts generation {@code id}: streams a completion of {@code messages} from {@code model} to
     * {@code listener}. The returned generation is already running and can be cancelled.
     */
    public Generation stream(String id, String model, List<ChatMessage> messages, GenerationListener listener) {
        URI base = settings.baseUrl().orElseThrow(() -> new DuplexException(ErrorCode.UPSTREAM_UNREACHABLE,
                "No upstream is configured (set duplex.upstream.base-url) and the demo address is not known yet."));
        URI endpoint = URI.create(stripSlash(base.toString()) + "/chat/completions");
        String apiKey = settings.apiKey().orElse(null);
        UpstreamCall call = new UpstreamCall(model, endpoint, apiKey,
                TimeUnit.MILLISECONDS.toNanos(settings.firstTokenTimeoutMs()),
                TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMs()),
                estimateTokens(messages));
        Generation generation = new Generation(id, call, listener, timer, open::remove);
        open.add(generation);
        try {
            generation.start(http, request(call, messages));
        } catch (RuntimeException e) {
            generation.fail(new DuplexException(ErrorCode.INTERNAL_ERROR, "Could not start the upstream request.", e));
            open.remove(generation);
            LOG.warning(() -> "Could not start upstream request to " + endpoint + ": " + e);
        }
        return generation;
    }

    /** Generations whose upstream exchange is still open. */
    @Gauge(name = "duplex.upstream.exchanges.open", unit = "none", absolute = true,
            description = "Upstream HTTP exchanges currently open")
    public int openExchanges() {
        return open.size();
    }

    private HttpRequest request(UpstreamCall call, List<ChatMessage> messages) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.endpoint())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body(call.model(), messages)));
        if (call.apiKey() != null) {
            builder.header("Authorization", "Bearer " + call.apiKey());
        }
        return builder.build();
    }

    static String body(String model, List<ChatMessage> messages) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (ChatMessage message : messages) {
            array.add(JSON.createObjectBuilder().add("role", message.role()).add("content", message.content()));
        }
        return JSON.createObjectBuilder()
                .add("model", model)
                .add("stream", true)
                .add("stream_options", JSON.createObjectBuilder().add("include_usage", true))
                .add("messages", array)
                .build()
                .toString();
    }

    /** About four characters a token: only used when the provider does not report usage. */
    static long estimateTokens(List<ChatMessage> messages) {
        long chars = 0;
        for (ChatMessage message : messages) {
            chars += message.content().length() + 4;
        }
        return (chars + 3) / 4;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
