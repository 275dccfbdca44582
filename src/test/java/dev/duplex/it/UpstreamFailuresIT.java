package dev.duplex.it;

import static dev.duplex.it.OpenAiSse.event;
import static dev.duplex.it.OpenAiSse.finish;
import static dev.duplex.it.OpenAiSse.role;
import static dev.duplex.it.OpenAiSse.token;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.Socket;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way the upstream can fail becomes exactly one clear {@code error} frame, the terminal frame of the
 * generation (never an {@code end}), with the tokens before it delivered and the upstream connection closed.
 */
@ExtendWith(ArquillianExtension.class)
class UpstreamFailuresIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();
    static final String API_KEY = "sk-live-TOPSECRET-7777";

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.api-key", API_KEY,
                "duplex.upstream.model", "gpt-test",
                "duplex.upstream.connect-timeout-ms", "1000",
                "duplex.upstream.first-token-timeout-ms", "1500",
                "duplex.upstream.idle-timeout-ms", "1000",
                // one attempt per message, no breaker: each failure is seen as the client gets it without retries
                // (retries, fallbacks and the breaker are ProvidersIT's subject)
                "duplex.retry.max-attempts", "1",
                "duplex.breaker.failure-threshold", "1000000",
                "duplex.demo.enabled", "false"));
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    /** Sends {@code content} and returns the frames after start; the last must be an error for that generation. */
    /** The conversation of the last {@link #failing} call. */
    private String lastConversation;

    private List<JsonObject> failing(WsClient client, String content) throws InterruptedException {
        client.send("{\"type\":\"message\",\"content\":\"" + content + "\"}");
        JsonObject start = client.next("start");
        lastConversation = start.getString("conversation_id");
        String id = start.getString("id");
        List<JsonObject> frames = client.untilTerminal();
        JsonObject terminal = frames.get(frames.size() - 1);
        assertEquals("error", terminal.getString("type"), "a failure is never presented as an end: " + frames);
        assertEquals(id, terminal.getString("id"));
        assertFalse(terminal.getString("message").contains(API_KEY), "the key leaked: " + terminal);
        return frames;
    }

    private JsonObject failure(String content) throws InterruptedException {
        try (WsClient client = WsClient.connect(Deployments.chat(deployed))) {
            List<JsonObject> frames = failing(client, content);
            return frames.get(frames.size() - 1);
        }
    }

    private void assertUpstreamClosed(String prefix) throws InterruptedException {
        FakeUpstream.Exchange exchange = UPSTREAM.last(prefix);
        assertTrue(exchange.awaitEnd(3000), "the upstream connection was not closed");
        assertTrue(exchange.closedByClient(), "Duplex, not the upstream, ended the exchange");
    }

    @Test
    void connectionRefused() throws Exception {
        UPSTREAM.refuseConnections();
        try {
            JsonObject error = failure("refused");
            assertEquals("upstream_unreachable", error.getString("code"));
            assertTrue(error.getString("message").contains("127.0.0.1:" + UPSTREAM.port() + ": connection refused"),
                    error.toString());
        } finally {
            UPSTREAM.acceptAgain();
        }
    }

    @Test
    void connectTimeout() throws Exception {
        UPSTREAM.refuseConnections();
        List<Socket> fillers = UPSTREAM.stallConnections();
        try {
            long started = System.nanoTime();
            JsonObject error = failure("stalled");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals("upstream_connect_timeout", error.getString("code"), error.toString());
            assertTrue(millis >= 900 && millis < 5000, "connect timeout after " + millis + " ms");
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
            UPSTREAM.acceptAgain();
        }
    }

    @Test
    void firstTokenTimeoutWhileTheProviderOnlySendsKeepAlives() throws Exception {
        UPSTREAM.on("never-answers", exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            while (!exchange.closedByClient()) {
                exchange.chunk(": keep-alive\n\n");
                exchange.pause(200);
            }
        });
        JsonObject error = failure("never-answers");
        assertEquals("upstream_first_token_timeout", error.getString("code"));
        assertEquals(0, error.getJsonObject("usage").getInt("output_tokens"));
        assertUpstreamClosed("never-answers");
    }

    @Test
    void idleTimeoutMidAnswerKeepsThePartialTextInTheHistory() throws Exception {
        UPSTREAM.on("goes-quiet", exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            exchange.chunk(token("Half "));
            exchange.chunk(token("an answer"));
            exchange.pause(20_000);
        });
        UPSTREAM.on("after-quiet", OpenAiSse.tokens(List.of("ok"), 0));
        try (WsClient client = WsClient.connect(Deployments.chat(deployed))) {
            List<JsonObject> frames = failing(client, "goes-quiet");
            assertEquals("Half an answer", WsClient.text(frames));
            JsonObject error = frames.get(frames.size() - 1);
            assertEquals("upstream_idle_timeout", error.getString("code"));
            assertTrue(error.getJsonObject("usage").getBoolean("estimated"));
            assertEquals(2, error.getJsonObject("usage").getInt("output_tokens"));
            assertUpstreamClosed("goes-quiet");

            client.send("{\"content\":\"after-quiet\",\"conversation_id\":\"" + lastConversation + "\"}");
            client.next("start");
            client.untilTerminal();
        }
        var messages = UPSTREAM.last("after-quiet").messages();
        assertEquals("Half an answer", messages.getJsonObject(1).getString("content"));
        assertEquals("assistant", messages.getJsonObject(1).getString("role"));
    }

    @Test
    void invalidKeyNamesTheCauseWithoutTheKey() throws Exception {
        UPSTREAM.on("bad-key", exchange -> exchange.respond(401, "application/json",
                "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY + ". You can find your API key "
                        + "at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}"));
        JsonObject error = failure("bad-key");
        assertEquals("upstream_auth_failed", error.getString("code"));
        assertEquals(401, error.getInt("status"));
        assertTrue(error.getString("message").contains("Incorrect API key provided: [redacted]"), error.toString());
    }

    @Test
    void rateLimitedCarriesRetryAfter() throws Exception {
        UPSTREAM.on("too-many", exchange -> exchange.respond(429, "application/json",
                "{\"error\":{\"message\":\"Rate limit reached for gpt-test\",\"type\":\"requests\"}}",
                "Retry-After: 3"));
        JsonObject error = failure("too-many");
        assertEquals("upstream_rate_limited", error.getString("code"));
        assertEquals(429, error.getInt("status"));
        assertEquals(3000, error.getJsonNumber("retry_after_ms").longValue());
        assertTrue(error.getString("message").contains("Rate limit reached for gpt-test"));
    }

    @Test
    void serverErrorAndUnknownModelQuoteTheProvider() throws Exception {
        UPSTREAM.on("boom", exchange -> exchange.respond(500, "application/json",
                "{\"error\":{\"message\":\"The server had an error while processing your request.\"}}"));
        UPSTREAM.on("no-such-model", exchange -> exchange.respond(404, "application/json",
                "{\"error\":{\"message\":\"The model `gpt-test` does not exist or you do not have access to it.\","
                        + "\"code\":\"model_not_found\"}}"));
        JsonObject boom = failure("boom");
        assertEquals("upstream_http_error", boom.getString("code"));
        assertEquals(500, boom.getInt("status"));
        assertTrue(boom.getString("message").contains("The server had an error"));
        JsonObject missing = failure("no-such-model");
        assertEquals("upstream_model_not_found", missing.getString("code"));
        assertEquals(404, missing.getInt("status"));
        assertTrue(missing.getString("message").contains("does not exist"));
    }

    @Test
    void errorObjectInsideA200StreamAfterSomeTokens() throws Exception {
        UPSTREAM.on("mid-error", exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            exchange.chunk(token("Partial"));
            exchange.chunk(event("{\"error\":{\"message\":\"Upstream model overloaded\",\"type\":\"server_error\"}}"));
            exchange.pause(10_000);
        });
        try (WsClient client = WsClient.connect(Deployments.chat(deployed))) {
            List<JsonObject> frames = failing(client, "mid-error");
            assertEquals("Partial", WsClient.text(frames));
            JsonObject error = frames.get(frames.size() - 1);
            assertEquals("upstream_error", error.getString("code"));
            assertTrue(error.getString("message").contains("Upstream model overloaded"));
        }
        assertUpstreamClosed("mid-error");
    }

    /**
     * A provider's error of thousands of characters (a proxy's stack trace) is quoted in part, and the answer is
     * stored with it. The whole text was sent to the browser, and made the answer's last save fail (longer than the
     * stored error message's column), so the answer stayed "streaming".
     */
    @Test
    void aLongErrorFromTheProviderIsQuotedInPartAndTheAnswerIsStoredWithIt() throws Exception {
        String trace = "Traceback (most recent call last): " + "File \"proxy.py\", line 1, in handle; ".repeat(150);
        UPSTREAM.on("long-error", exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            exchange.chunk(token("Partial"));
            exchange.chunk(event(Json.createObjectBuilder().add("error", Json.createObjectBuilder()
                    .add("message", trace).add("type", "server_error")).build().toString()));
            exchange.pause(10_000);
        });
        Browser browser = new Browser(deployed);
        JsonObject error;
        try (WsClient client = browser.connect()) {
            List<JsonObject> frames = failing(client, "long-error");
            assertEquals("Partial", WsClient.text(frames));
            error = frames.get(frames.size() - 1);
        }
        assertUpstreamClosed("long-error");
        assertEquals("upstream_error", error.getString("code"));
        String message = error.getString("message");
        assertTrue(message.startsWith("The model provider reported an error: Traceback (most recent call last):")
                && message.endsWith("…") && message.length() < 400, message);
        String conversation = lastConversation;
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getJson("conversations/" + conversation)
                .getJsonArray("messages").getJsonObject(1).getString("status"), "error"::equals);
        JsonObject answer = browser.getJson("conversations/" + conversation).getJsonArray("messages").getJsonObject(1);
        assertEquals("Partial", answer.getString("content"));
        assertEquals(message, answer.getJsonObject("error").getString("message"));
    }

    @Test
    void typedErrorEvent() throws Exception {
        UPSTREAM.on("typed-error", exchange -> {
            exchange.sseHead();
            exchange.chunk("event: error\ndata: {\"message\":\"context length exceeded\"}\n\n");
            exchange.pause(10_000);
        });
        JsonObject error = failure("typed-error");
        assertEquals("upstream_error", error.getString("code"));
        assertTrue(error.getString("message").contains("context length exceeded"));
        assertUpstreamClosed("typed-error");
    }

    @Test
    void unparsableChunk() throws Exception {
        UPSTREAM.on("garbage", exchange -> {
            exchange.sseHead();
            exchange.chunk(token("ok "));
            exchange.chunk("data: {\"choices\": [{\"delta\": {\"content\": \"cut\n\n");
            exchange.pause(10_000);
        });
        JsonObject error = failure("garbage");
        assertEquals("upstream_bad_chunk", error.getString("code"));
        assertUpstreamClosed("garbage");
    }

    @Test
    void streamThatEndsBeforeFinishOrDone() throws Exception {
        UPSTREAM.on("truncated", exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            exchange.chunk(token("So the answer is"));
            exchange.endBody();
        });
        JsonObject error = failure("truncated");
        assertEquals("upstream_truncated", error.getString("code"));
    }

    @Test
    void connectionDroppedMidStream() throws Exception {
        UPSTREAM.on("dropped", exchange -> {
            exchange.sseHead();
            exchange.chunk(token("Before the drop"));
            exchange.pause(50);
            exchange.dropConnection();
        });
        JsonObject error = failure("dropped");
        assertEquals("upstream_connection_lost", error.getString("code"));
    }

    @Test
    void jsonInsteadOfAnEventStream() throws Exception {
        UPSTREAM.on("not-streaming", exchange -> exchange.respond(200, "application/json",
                "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"message\":{\"content\":\"hi\"}}]}"));
        JsonObject error = failure("not-streaming");
        assertEquals("upstream_bad_response", error.getString("code"));
        assertTrue(error.getString("message").contains("application/json"));
    }

    @Test
    void theDemoEndpointDoesNotExistWhenDisabled() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(
                        Deployments.base(deployed).resolve("demo/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"duplex-demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        var response = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode(), response.body());
    }

    @Test
    void finishWithoutDoneStillEndsNormally() throws Exception {
        UPSTREAM.on("no-done", exchange -> {
            exchange.sseHead();
            exchange.chunk(token("Complete."));
            exchange.chunk(finish("stop"));
            exchange.endBody();
        });
        try (WsClient client = WsClient.connect(Deployments.chat(deployed))) {
            client.send("{\"content\":\"no-done\"}");
            client.next("start");
            List<JsonObject> frames = client.untilTerminal();
            JsonObject end = frames.get(frames.size() - 1);
            assertEquals("end", end.getString("type"));
            assertEquals("stop", end.getString("finish_reason"));
            assertTrue(end.getJsonObject("usage").getBoolean("estimated"), "no usage reported: estimated");
        }
    }
}
