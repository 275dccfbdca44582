package dev.duplex.demo;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.AsyncContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the demo model's streams: one scheduled task per stream writes the next OpenAI chunk at the configured
 * token interval. A stream ends when its answer is written or its client goes away (a write fails); undeploying
 * ends every stream still running.
 *
 * <p>Threading: each stream's task runs on the single timer thread, so a stream is never written concurrently.
 */
@ApplicationScoped
public class DemoStreams {

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    @Inject
    @ConfigProperty(name = "duplex.demo.token-interval-ms", defaultValue = "40")
    long tokenIntervalMs;

    private final Set<DemoStream> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private ScheduledThreadPoolExecutor timer;

    @PostConstruct
    void start() {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "duplex-demo-model");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @PreDestroy
    void stop() {
        running.forEach(DemoStream::end);
        timer.shutdownNow();
    }

    void start(AsyncContext async, String model, List<String> tokens, long promptTokens, boolean includeUsage) {
        async.setTimeout(TimeUnit.MINUTES.toMillis(10));
        DemoStream stream = new DemoStream(async, "chatcmpl-demo-" + ids.incrementAndGet(), model, tokens,
                promptTokens, includeUsage);
        running.add(stream);
        stream.task = tokenIntervalMs > 0
                ? timer.scheduleAtFixedRate(stream::next, 0, tokenIntervalMs, TimeUnit.MILLISECONDS)
                : timer.schedule(stream::all, 0, TimeUnit.MILLISECONDS);
    }

    private final class DemoStream {

        private final AsyncContext async;
        private final String id;
        private final String model;
        private final List<String> tokens;
        private final long promptTokens;
        private final boolean includeUsage;
        private final long created = System.currentTimeMillis() / 1000;
        private int index = -1;
        private volatile ScheduledFuture<?> task;
        private final AtomicBoolean ended = new AtomicBoolean();

        DemoStream(AsyncContext async, String id, String model, List<String> tokens, long promptTokens,
                   boolean includeUsage) {
            this.async = async;
            this.id = id;
            this.model = model;
            this.tokens = tokens;
            this.promptTokens = promptTokens;
            this.includeUsage = includeUsage;
        }

        void all() {
            while (!ended.get()) {
                next();
            }
        }

        /** Writes the next chunk: the role first, then one token per call, then finish, usage and [DONE]. */
        void next() {
            try {
                OutputStream out = async.getResponse().getOutputStream();
                if (index < 0) {
                    out.write(chunk(JSON.createObjectBuilder().add("role", "assistant").add("content", ""), null));
                } else if (index < tokens.size()) {
                    out.write(chunk(JSON.createObjectBuilder().add("content", tokens.get(index)), null));
                } else {
                    out.write(chunk(JSON.createObjectBuilder(), "stop"));
                    if (includeUsage) {
                        out.write(usage());
                    }
                    out.write(DONE);
                    out.flush();
                    end();
                    return;
                }
                index++;
                out.flush();
            } catch (IOException | IllegalStateException clientGone) {
                end();
            }
        }

        void end() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            running.remove(this);
            ScheduledFuture<?> current = task;
            if (current != null) {
                current.cancel(false);
            }
            try {
                async.complete();
            } catch (IllegalStateException alreadyCompleted) {
                // the container completed it (client gone or timeout)
            }
        }

        private byte[] chunk(JsonObjectBuilder delta, String finishReason) {
            JsonObjectBuilder choice = JSON.createObjectBuilder().add("index", 0).add("delta", delta);
            if (finishReason == null) {
                choice.addNull("finish_reason");
            } else {
                choice.add("finish_reason", finishReason);
            }
            return event(envelope().add("choices", JSON.createArrayBuilder().add(choice)));
        }

        private byte[] usage() {
            return event(envelope().add("choices", JSON.createArrayBuilder()).add("usage", JSON.createObjectBuilder()
                    .add("prompt_tokens", promptTokens)
                    .add("completion_tokens", tokens.size())
                    .add("total_tokens", promptTokens + tokens.size())));
        }

        private JsonObjectBuilder envelope() {
            return JSON.createObjectBuilder().add("id", id).add("object", "chat.completion.chunk")
                    .add("created", created).add("model", model);
        }

        private byte[] event(JsonObjectBuilder object) {
            return ("data: " + object.build() + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }
}
