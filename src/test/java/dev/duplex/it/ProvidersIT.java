package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every provider kind against a real loopback server speaking its exact wire format: text, finish reason, usage
 * and cost reach the client; retries, fallbacks, the no-retry rules and the circuit breaker behave as an operator
 * would want. One deployment with five providers, all served by one fake upstream under different paths.
 */
@ExtendWith(ArquillianExtension.class)
class ProvidersIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();
    static final String OPENAI_KEY = "sk-oai-SECRET-1111";
    static final String ANTHROPIC_KEY = "sk-ant-SECRET-2222";
    static final String GEMINI_KEY = "AIza-SECRET-3333";

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        String base = "http://127.0.0.1:" + UPSTREAM.port();
        return Deployments.duplex(Map.ofEntries(
                Map.entry("duplex.demo.enabled", "false"),
                Map.entry("duplex.provider.oai.kind", "openai"),
                Map.entry("duplex.provider.oai.base-url", base + "/v1"),
                Map.entry("duplex.provider.oai.api-key", OPENAI_KEY),
                // providers whose failures are each test's own: a breaker counts failures across messages
                Map.entry("duplex.provider.retrying.kind", "openai"),
                Map.entry("duplex.provider.retrying.base-url", base + "/v1"),
                Map.entry("duplex.provider.patient.kind", "openai"),
                Map.entry("duplex.provider.patient.base-url", base + "/v1"),
                Map.entry("duplex.model.gpt-retry.provider", "retrying"),
                Map.entry("duplex.model.gpt-patient.provider", "patient"),
                Map.entry("duplex.provider.claude.kind", "anthropic"),
                Map.entry("duplex.provider.claude.base-url", base + "/anthropic/v1"),
                Map.entry("duplex.provider.claude.api-key", ANTHROPIC_KEY),
                Map.entry("duplex.provider.claude.headers", "anthropic-beta: test-beta-1"),
                Map.entry("duplex.provider.claude2.kind", "anthropic"),
                Map.entry("duplex.provider.claude2.base-url", base + "/anthropic/v1"),
                Map.entry("duplex.provider.claude2.api-key", ANTHROPIC_KEY),
                Map.entry("duplex.provider.google.kind", "gemini"),
                Map.entry("duplex.provider.google.base-url", base + "/gemini/v1beta"),
                Map.entry("duplex.provider.google.api-key", GEMINI_KEY),
                Map.entry("duplex.provider.local.kind", "ollama"),
                Map.entry("duplex.provider.local.base-url", base + "/ollama"),
                Map.entry("duplex.provider.flaky.kind", "openai"),
                Map.entry("duplex.provider.flaky.base-url", base + "/flaky/v1"),
                Map.entry("duplex.model.gpt-x.provider", "oai"),
                Map.entry("duplex.model.gpt-x.display-name", "GPT X"),
                Map.entry("duplex.model.gpt-x.price-input", "2.5"),
                Map.entry("duplex.model.gpt-x.price-output", "10"),
                Map.entry("duplex.model.claude-x.provider", "claude"),
                Map.entry("duplex.model.claude-x.name", "claude-sonnet-test"),
                Map.entry("duplex.model.claude-x.max-output-tokens", "256"),
                Map.entry("duplex.model.claude-x.context-window", "200000"),
                Map.entry("duplex.model.claude-x.price-input", "3"),
                Map.entry("duplex.model.claude-x.price-output", "15"),
                Map.entry("duplex.model.claude-x.fallback", "gpt-x"),
                Map.entry("duplex.model.claude-busy.provider", "claude2"),
                Map.entry("duplex.model.claude-busy.fallback", "gpt-x"),
                Map.entry("duplex.model.gemini-2.5-flash.provider", "google"),
                Map.entry("duplex.model.llama-x.provider", "local"),
                Map.entry("duplex.model.llama-x.name", "llama3.2"),
                Map.entry("duplex.provider.nowhere.kind", "openai"),
                Map.entry("duplex.provider.nowhere.base-url", "http://127.0.0.1:" + closedPort() + "/v1"),
                Map.entry("duplex.model.unreachable.provider", "nowhere"),
                Map.entry("duplex.model.brittle.provider", "flaky"),
                Map.entry("duplex.model.flaky-x.provider", "flaky"),
                Map.entry("duplex.model.flaky-x.fallback", "gpt-x"),
                Map.entry("duplex.default-model", "gpt-x"),
                Map.entry("duplex.currency", "USD"),
                Map.entry("duplex.retry.max-attempts", "3"),
                Map.entry("duplex.retry.base-delay-ms", "50"),
                Map.entry("duplex.retry.max-delay-ms", "200"),
                Map.entry("duplex.retry.budget-ms", "5000"),
                Map.entry("duplex.breaker.failure-threshold", "3"),
                Map.entry("duplex.breaker.open-ms", "1500"),
                Map.entry("duplex.upstream.first-token-timeout-ms", "3000"),
                Map.entry("duplex.upstream.idle-timeout-ms", "3000")));
    }

    /** A loopback port nothing listens on: connections to it are refused. */
    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    private List<JsonObject> ask(String model, String content) throws InterruptedException {
        try (WsClient client = WsClient.connect(Deployments.chat(deployed))) {
            client.send(Json.createObjectBuilder().add("type", "message").add("content", content)
                    .add("system", "Be brief.").add("model", model).build().toString());
            JsonObject start = client.next("start");
            assertEquals(model, start.getString("model"));
            List<JsonObject> frames = client.untilTerminal();
            assertEquals(start.getString("id"), frames.get(frames.size() - 1).getString("id"));
            for (JsonObject frame : frames) {
                String text = frame.toString();
                assertFalse(text.contains(OPENAI_KEY) || text.contains(ANTHROPIC_KEY) || text.contains(GEMINI_KEY),
                        "a key leaked: " + text);
            }
            return frames;
        }
    }

    private static JsonObject last(List<JsonObject> frames) {
        return frames.get(frames.size() - 1);
    }

    private static List<JsonObject> notices(List<JsonObject> frames) {
        return frames.stream().filter(f -> f.getString("type").equals("notice")).toList();
    }

    private static long requests(String prefix) {
        return UPSTREAM.exchanges().stream().filter(e -> e.lastUserMessage().startsWith(prefix)).count();
    }

    /** Writes {@code text} as two HTTP chunks split inside a multi-byte character. */
    private static void splitInsideACharacter(FakeUpstream.Exchange exchange, String text) throws java.io.IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int cut = text.indexOf('ส') >= 0 ? text.substring(0, text.indexOf('ส')).getBytes(StandardCharsets.UTF_8).length + 1
                : bytes.length / 2;
        exchange.chunk(java.util.Arrays.copyOfRange(bytes, 0, cut));
        exchange.chunk(java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
    }

    private static String anthropic(String type, String json) {
        return "event: " + type + "\ndata: " + json + "\n\n";
    }

    private static FakeUpstream.Script anthropicOverloaded() {
        return exchange -> exchange.respond(529, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    }

    private static FakeUpstream.Script openAiAnswer(String text) {
        return OpenAiSse.tokens(List.of(text), 0);
    }

    private JsonObject get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                Deployments.base(deployed).resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        for (String key : List.of(OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY)) {
            assertFalse(response.body().contains(key), "a key leaked in " + path);
        }
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    @Test
    void modelsListsTheCatalogueWithoutSecrets() throws Exception {
        JsonObject body = get("api/models");
        assertEquals("gpt-x", body.getString("default_model"));
        JsonArray models = body.getJsonArray("models");
        List<String> ids = models.stream().map(m -> m.asJsonObject().getString("id")).toList();
        assertEquals(List.of("brittle", "claude-busy", "claude-x", "flaky-x", "gemini-2.5-flash", "gpt-patient",
                        "gpt-retry", "gpt-x", "llama-x", "unreachable"),
                ids.stream().sorted().toList());
        JsonObject claude = models.stream().map(m -> m.asJsonObject())
                .filter(m -> m.getString("id").equals("claude-x")).findFirst().orElseThrow();
        assertEquals("anthropic", claude.getString("provider_kind"));
        assertEquals("claude", claude.getString("provider"));
        assertEquals(256, claude.getInt("max_output_tokens"));
        assertEquals(200000, claude.getInt("context_window"));
        assertEquals(new BigDecimal("15"), claude.getJsonNumber("price_output").bigDecimalValue());
        assertEquals("USD", claude.getString("currency"));
        assertEquals(List.of("gpt-x"), claude.getJsonArray("fallback").getValuesAs(j -> ((jakarta.json.JsonString) j).getString()));
        assertFalse(body.toString().contains("127.0.0.1"), "provider addresses are not for users");
    }

    @Test
    void anthropicStreamWithThinkingPingsAndSplitCharacters() throws Exception {
        UPSTREAM.on("anthropic hello", exchange -> {
            exchange.sseHead();
            exchange.chunk(anthropic("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                    + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-test\","
                    + "\"stop_reason\":null,\"usage\":{\"input_tokens\":21,\"output_tokens\":1}}}"));
            exchange.chunk(anthropic("content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}"));
            exchange.chunk(anthropic("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"secret reasoning\"}}"));
            exchange.chunk(anthropic("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
            exchange.chunk(anthropic("ping", "{\"type\": \"ping\"}"));
            exchange.chunk(anthropic("content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            splitInsideACharacter(exchange, anthropic("content_block_delta", "{\"type\":\"content_block_delta\","
                    + "\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"สวัสดี \"}}"));
            exchange.chunk(anthropic("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"world 🌏\"}}"));
            exchange.chunk(anthropic("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"));
            exchange.chunk(anthropic("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":1000000}}"));
            exchange.chunk(anthropic("message_stop", "{\"type\":\"message_stop\"}"));
            exchange.endBody();
        });
        List<JsonObject> frames = ask("claude-x", "anthropic hello");
        assertEquals("สวัสดี world 🌏", WsClient.text(frames));
        JsonObject end = last(frames);
        assertEquals("end", end.getString("type"), end.toString());
        assertEquals("stop", end.getString("finish_reason"));
        assertEquals(21, end.getJsonObject("usage").getInt("input_tokens"));
        assertEquals(1_000_000, end.getJsonObject("usage").getInt("output_tokens"));
        assertEquals(new BigDecimal("15.000063"), end.getJsonObject("cost").getJsonNumber("total").bigDecimalValue());
        assertEquals("claude-x", end.getString("model"));
        assertEquals("claude", end.getString("provider"));

        FakeUpstream.Exchange request = UPSTREAM.last("anthropic hello");
        assertEquals("/anthropic/v1/messages", request.path);
        assertEquals(ANTHROPIC_KEY, request.headers.get("x-api-key"));
        assertEquals("2023-06-01", request.headers.get("anthropic-version"));
        assertEquals("test-beta-1", request.headers.get("anthropic-beta"));
        assertNull(request.headers.get("authorization"));
        assertEquals("claude-sonnet-test", request.json().getString("model"));
        assertEquals(256, request.json().getInt("max_tokens"));
        assertEquals("Be brief.", request.json().getString("system"));
        assertTrue(request.json().getBoolean("stream"));
    }

    @Test
    void geminiStreamWithUsageMetadata() throws Exception {
        UPSTREAM.on("gemini hello", exchange -> {
            exchange.sseHead();
            exchange.chunk("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"ข้อ\"}],\"role\": \"model\"},"
                    + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"totalTokenCount\": 9}}\r\n\r\n");
            splitInsideACharacter(exchange, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"ความสั้น\"}],"
                    + "\"role\": \"model\"},\"index\": 0}]}\r\n\r\n");
            exchange.chunk("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},"
                    + "\"finishReason\": \"MAX_TOKENS\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,"
                    + "\"candidatesTokenCount\": 4,\"totalTokenCount\": 13}}\r\n\r\n");
            exchange.endBody();
        });
        List<JsonObject> frames = ask("gemini-2.5-flash", "gemini hello");
        assertEquals("ข้อความสั้น", WsClient.text(frames));
        JsonObject end = last(frames);
        assertEquals("end", end.getString("type"), end.toString());
        assertEquals("length", end.getString("finish_reason"));
        assertEquals(9, end.getJsonObject("usage").getInt("input_tokens"));
        assertEquals(4, end.getJsonObject("usage").getInt("output_tokens"));
        assertFalse(end.containsKey("cost"), "no prices configured, no cost");

        FakeUpstream.Exchange request = UPSTREAM.last("gemini hello");
        assertEquals("/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", request.path);
        assertEquals(GEMINI_KEY, request.headers.get("x-goog-api-key"));
        assertEquals("Be brief.", request.json().getJsonObject("systemInstruction").getJsonArray("parts")
                .getJsonObject(0).getString("text"));
    }

    @Test
    void geminiStreamThatStopsWithoutAFinishReasonIsTruncated() throws Exception {
        UPSTREAM.on("gemini cut", exchange -> {
            exchange.sseHead();
            exchange.chunk("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Half\"}],\"role\": \"model\"}}]}\n\n");
            exchange.endBody();
        });
        JsonObject error = last(ask("gemini-2.5-flash", "gemini cut"));
        assertEquals("upstream_truncated", error.getString("code"), error.toString());
        assertEquals(1, requests("gemini cut"), "a failure after the first token is never retried");
    }

    @Test
    void ollamaNdjsonStream() throws Exception {
        UPSTREAM.on("ollama hello", exchange -> {
            exchange.head(200, "application/x-ndjson");
            exchange.chunk("{\"model\":\"llama3.2\",\"created_at\":\"2026-11-25T00:00:00Z\",\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"Hi\"},\"done\":false}\n");
            splitInsideACharacter(exchange, "{\"model\":\"llama3.2\",\"created_at\":\"2026-11-25T00:00:00Z\",\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\" สวัสดี\"},\"done\":false}\n");
            exchange.chunk("{\"model\":\"llama3.2\",\"created_at\":\"2026-11-25T00:00:01Z\",\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"total_duration\":5,"
                    + "\"prompt_eval_count\":12,\"eval_count\":3}\n");
            exchange.endBody();
        });
        List<JsonObject> frames = ask("llama-x", "ollama hello");
        assertEquals("Hi สวัสดี", WsClient.text(frames));
        JsonObject end = last(frames);
        assertEquals("stop", end.getString("finish_reason"), end.toString());
        assertEquals(12, end.getJsonObject("usage").getInt("input_tokens"));
        assertEquals(3, end.getJsonObject("usage").getInt("output_tokens"));
        FakeUpstream.Exchange request = UPSTREAM.last("ollama hello");
        assertEquals("/ollama/api/chat", request.path);
        assertEquals("llama3.2", request.json().getString("model"));
    }

    @Test
    void aServerErrorBeforeTheFirstTokenIsRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        UPSTREAM.on("retry 503", exchange -> {
            if (calls.incrementAndGet() < 3) {
                exchange.respond(503, "application/json", "{\"error\":{\"message\":\"try later\"}}");
            } else {
                openAiAnswer("third time lucky").play(exchange);
            }
        });
        List<JsonObject> frames = ask("gpt-retry", "retry 503");
        assertEquals("third time lucky", WsClient.text(frames));
        assertEquals("end", last(frames).getString("type"));
        List<JsonObject> notices = notices(frames);
        assertEquals(2, notices.size(), frames.toString());
        assertEquals("retrying", notices.get(0).getString("code"));
        assertEquals(2, notices.get(0).getInt("attempt"));
        assertEquals(3, notices.get(1).getInt("attempt"));
        assertEquals(3, requests("retry 503"));
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        UPSTREAM.on("retry 429", exchange -> {
            if (calls.incrementAndGet() == 1) {
                exchange.respond(429, "application/json", "{\"error\":{\"message\":\"Rate limit\"}}", "Retry-After: 1");
            } else {
                openAiAnswer("after waiting").play(exchange);
            }
        });
        List<JsonObject> frames = ask("gpt-retry", "retry 429");
        assertEquals("after waiting", WsClient.text(frames));
        assertEquals(1000, notices(frames).get(0).getInt("delay_ms"));
        List<FakeUpstream.Exchange> seen = UPSTREAM.exchanges().stream()
                .filter(e -> e.lastUserMessage().equals("retry 429")).toList();
        long waitedMs = (seen.get(1).receivedNanos - seen.get(0).receivedNanos) / 1_000_000;
        assertTrue(waitedMs >= 1000, "retried after " + waitedMs + " ms despite Retry-After: 1");
    }

    @Test
    void anOverloadedErrorEventBeforeTheFirstTokenIsRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        UPSTREAM.on("overloaded early", exchange -> {
            exchange.sseHead();
            exchange.chunk(anthropic("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":"
                    + "{\"input_tokens\":7,\"output_tokens\":1}}}"));
            if (calls.incrementAndGet() == 1) {
                exchange.chunk(anthropic("error",
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
                exchange.endBody();
                return;
            }
            exchange.chunk(anthropic("content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"ok\"}}"));
            exchange.chunk(anthropic("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    + "\"end_turn\"},\"usage\":{\"output_tokens\":1}}"));
            exchange.chunk(anthropic("message_stop", "{\"type\":\"message_stop\"}"));
            exchange.endBody();
        });
        List<JsonObject> frames = ask("claude-x", "overloaded early");
        assertEquals("ok", WsClient.text(frames));
        assertEquals("retrying", notices(frames).get(0).getString("code"));
        assertEquals(2, requests("overloaded early"));
    }

    @Test
    void aRefusedConnectionIsRetriedThenNamed() throws Exception {
        List<JsonObject> frames = ask("unreachable", "anyone there");
        assertEquals(2, notices(frames).size(), frames.toString());
        JsonObject error = last(frames);
        assertEquals("upstream_unreachable", error.getString("code"), error.toString());
        assertTrue(error.getString("message").contains("connection refused")
                && error.getString("message").endsWith("(after 3 attempts)"), error.toString());
    }

    @Test
    void aRetryAfterBeyondTheBudgetEndsAtOnceWithTheProvidersWords() throws Exception {
        UPSTREAM.on("quota gone", exchange -> exchange.respond(429, "application/json",
                "{\"error\": {\"code\": 429, \"message\": \"Resource has been exhausted (e.g. check quota).\","
                        + " \"status\": \"RESOURCE_EXHAUSTED\"}}", "Retry-After: 3600"));
        long started = System.nanoTime();
        List<JsonObject> frames = ask("gemini-2.5-flash", "quota gone");
        long millis = (System.nanoTime() - started) / 1_000_000;
        JsonObject error = last(frames);
        assertEquals("upstream_rate_limited", error.getString("code"), error.toString());
        assertEquals(3_600_000, error.getInt("retry_after_ms"));
        assertTrue(error.getString("message").contains("Resource has been exhausted"), error.toString());
        assertTrue(notices(frames).isEmpty());
        assertEquals(1, requests("quota gone"));
        assertTrue(millis < 3000, "a wait longer than the budget is not waited for: " + millis + " ms");
    }

    @Test
    void cancelDuringABackOffStopsTheRetry() throws Exception {
        UPSTREAM.on("cancel while waiting", exchange -> exchange.respond(503, "application/json",
                "{\"error\":{\"message\":\"busy\"}}", "Retry-After: 2"));
        try (WsClient client = WsClient.connect(Deployments.chat(deployed))) {
            client.send("{\"type\":\"message\",\"content\":\"cancel while waiting\",\"model\":\"gpt-patient\"}");
            client.next("start");
            assertEquals("retrying", client.next("notice").getString("code"));
            client.send("{\"type\":\"cancel\"}");
            JsonObject end = client.next("end");
            assertEquals("cancelled", end.getString("finish_reason"));
            assertTrue(end.getJsonObject("usage").getBoolean("estimated"));
        }
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> requests("cancel while waiting") == 1);
    }

    @Test
    void anInvalidKeyIsNeitherRetriedNorFallenBackFrom() throws Exception {
        UPSTREAM.on("bad key", exchange -> exchange.respond(401, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key "
                        + ANTHROPIC_KEY + "\"}}"));
        JsonObject error = last(ask("claude-x", "bad key"));
        assertEquals("upstream_auth_failed", error.getString("code"), error.toString());
        assertFalse(error.getBoolean("partial"));
        assertEquals(401, error.getInt("status"));
        assertTrue(error.getString("message").contains("invalid x-api-key [redacted]"), error.toString());
        assertEquals(1, requests("bad key"));
    }

    @Test
    void aMissingModelIsNamedAndNotRetried() throws Exception {
        UPSTREAM.on("no such model", exchange -> exchange.respond(404, "application/json",
                "{\"error\":\"model 'llama3.2' not found, try pulling it first\"}"));
        JsonObject error = last(ask("llama-x", "no such model"));
        assertEquals("upstream_model_not_found", error.getString("code"), error.toString());
        assertTrue(error.getString("message").contains("model 'llama3.2' not found"), error.toString());
        assertEquals(1, requests("no such model"));
    }

    @Test
    void anOverloadedModelFallsBackAndTheClientIsTold() throws Exception {
        UPSTREAM.on("fallback please", exchange -> {
            if (exchange.path.startsWith("/anthropic/")) {
                anthropicOverloaded().play(exchange);
            } else {
                openAiAnswer("answered by gpt").play(exchange);
            }
        });
        List<JsonObject> frames = ask("claude-busy", "fallback please");
        assertEquals("answered by gpt", WsClient.text(frames));
        JsonObject fallback = notices(frames).stream().filter(n -> n.getString("code").equals("fallback"))
                .findFirst().orElseThrow(() -> new AssertionError("no fallback notice in " + frames));
        assertEquals("gpt-x", fallback.getString("model"));
        assertEquals("claude-busy", fallback.getString("requested_model"));
        JsonObject end = last(frames);
        assertEquals("gpt-x", end.getString("model"));
        assertEquals("oai", end.getString("provider"));
        long anthropicAttempts = UPSTREAM.exchanges().stream().filter(e -> e.lastUserMessage().equals("fallback please")
                && e.path.startsWith("/anthropic/")).count();
        assertEquals(3, anthropicAttempts, "the requested model is retried up to max-attempts first");
    }

    @Test
    void aFailureAfterTheFirstTokenEndsWithAnErrorNotARetry() throws Exception {
        UPSTREAM.on("overloaded midway", exchange -> {
            exchange.sseHead();
            exchange.chunk(anthropic("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":"
                    + "{\"input_tokens\":7,\"output_tokens\":1}}}"));
            exchange.chunk(anthropic("content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            exchange.chunk(anthropic("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Partial\"}}"));
            exchange.chunk(anthropic("error",
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
            exchange.endBody();
        });
        List<JsonObject> frames = ask("claude-x", "overloaded midway");
        assertEquals("Partial", WsClient.text(frames));
        JsonObject error = last(frames);
        assertEquals("upstream_error", error.getString("code"), error.toString());
        assertTrue(error.getBoolean("partial"), "the client is told its answer is partial");
        assertEquals(7, error.getJsonObject("usage").getInt("input_tokens"));
        assertTrue(notices(frames).isEmpty());
        assertEquals(1, requests("overloaded midway"));
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndAProbeClosesIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        UPSTREAM.on("breaker", exchange -> {
            if (calls.incrementAndGet() <= 3) {
                exchange.respond(502, "text/html", "<html>Bad gateway</html>");
            } else {
                openAiAnswer("healthy again").play(exchange);
            }
        });
        JsonObject first = last(ask("brittle", "breaker 1"));
        assertEquals("upstream_http_error", first.getString("code"), first.toString());
        assertTrue(first.getString("message").contains("after 3 attempts"), first.toString());
        assertEquals(3, calls.get());
        assertEquals("open", providerStatus("brittle"));

        JsonObject fast = last(ask("brittle", "breaker 2"));
        assertEquals("upstream_circuit_open", fast.getString("code"), fast.toString());
        assertEquals(3, calls.get(), "an open circuit sends nothing to the provider");

        List<JsonObject> fellBack = ask("flaky-x", "breaker 3");
        assertEquals("gpt-x", last(fellBack).getString("model"), "an open circuit moves on to the fallback at once");
        assertEquals(3, calls.get() - (int) UPSTREAM.exchanges().stream()
                .filter(e -> e.lastUserMessage().equals("breaker 3") && e.path.startsWith("/v1/")).count());

        await().atMost(Duration.ofSeconds(5)).until(() -> providerStatus("brittle").equals("half_open"));
        List<JsonObject> probe = ask("brittle", "breaker 4");
        assertEquals("healthy again", WsClient.text(probe));
        assertEquals("closed", providerStatus("brittle"));
    }

    @Test
    void usageIsRecordedForAccounting() throws Exception {
        UPSTREAM.on("account", openAiAnswer("counted"));
        ask("gpt-x", "account me");
        JsonObject record = get("api/usage?limit=20").getJsonArray("recent").stream().map(v -> v.asJsonObject())
                .filter(r -> r.getString("model").equals("gpt-x") && r.getString("outcome").equals("stop"))
                .findFirst().orElseThrow();
        assertEquals("oai", record.getString("provider"));
        assertEquals(11, record.getInt("input_tokens"));
        assertEquals(1, record.getInt("output_tokens"));
        assertEquals(new BigDecimal("0.0000375"), record.getJsonNumber("cost").bigDecimalValue());
        assertTrue(record.containsKey("ttft_ms") && record.containsKey("duration_ms"), record.toString());
        assertEquals(1, record.getInt("attempts"));
    }

    private String providerStatus(String model) throws Exception {
        return get("api/models").getJsonArray("models").stream().map(v -> v.asJsonObject())
                .filter(m -> m.getString("id").equals(model)).findFirst().orElseThrow()
                .getString("provider_status");
    }
}
