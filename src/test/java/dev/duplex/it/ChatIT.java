package dev.duplex.it;

import static dev.duplex.it.OpenAiSse.done;
import static dev.duplex.it.OpenAiSse.event;
import static dev.duplex.it.OpenAiSse.finish;
import static dev.duplex.it.OpenAiSse.role;
import static dev.duplex.it.OpenAiSse.token;
import static dev.duplex.it.OpenAiSse.usage;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The protocol end to end: a real WebSocket client, Duplex on Payara Micro, and a real HTTP upstream on
 * 127.0.0.1 speaking OpenAI's streaming format. After every test no upstream stream, exchange or session is
 * left open.
 */
@ExtendWith(ArquillianExtension.class)
class ChatIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();
    static final String API_KEY = "sk-test-SECRET-key-0042";

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.api-key", API_KEY,
                "duplex.upstream.model", "gpt-test",
                "duplex.upstream.models", "gpt-test, gpt-other",
                "duplex.upstream.first-token-timeout-ms", "3000",
                "duplex.upstream.idle-timeout-ms", "3000",
                "duplex.ws.max-frame-bytes", "4096"));
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    private WsClient connect() {
        return WsClient.connect(Deployments.chat(deployed));
    }

    @Test
    void streamsTokensInOrderThenEndsWithProviderUsage() throws Exception {
        List<String> tokens = IntStream.rangeClosed(1, 30).mapToObj(i -> "t" + i + " ").toList();
        UPSTREAM.on("order", OpenAiSse.tokens(tokens, 2));
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"order please\"}");
            JsonObject start = client.next("start");
            assertEquals("gpt-test", start.getString("model"));
            List<JsonObject> frames = client.untilTerminal();

            assertEquals(String.join("", tokens), WsClient.text(frames));
            long previous = 0;
            for (JsonObject frame : frames.subList(0, frames.size() - 1)) {
                assertEquals("token", frame.getString("type"));
                long seq = frame.getJsonNumber("seq").longValue();
                assertTrue(seq > previous, "seq increases: " + frames);
                previous = seq;
            }
            assertEquals(30, previous, "the last token frame carries the last upstream seq");
            JsonObject end = frames.get(frames.size() - 1);
            assertEquals("end", end.getString("type"));
            assertEquals(start.getString("id"), end.getString("id"));
            assertEquals("stop", end.getString("finish_reason"));
            assertEquals(11, end.getJsonObject("usage").getInt("input_tokens"));
            assertEquals(30, end.getJsonObject("usage").getInt("output_tokens"));
            assertFalse(end.getJsonObject("usage").containsKey("estimated"));
        }
        FakeUpstream.Exchange seen = UPSTREAM.last("order");
        assertEquals("POST", seen.method);
        assertEquals("/v1/chat/completions", seen.path);
        assertEquals("Bearer " + API_KEY, seen.headers.get("authorization"));
        assertEquals("text/event-stream", seen.headers.get("accept"));
        assertEquals("gpt-test", seen.json().getString("model"));
        assertTrue(seen.json().getBoolean("stream"));
        assertTrue(seen.json().getJsonObject("stream_options").getBoolean("include_usage"));
    }

    @Test
    void aFrameWithoutTypeButWithContentIsAMessage() throws Exception {
        UPSTREAM.on("untyped", OpenAiSse.tokens(List.of("ok"), 0));
        try (WsClient client = connect()) {
            client.send("{\"content\":\"untyped hello\",\"system\":\"You are terse.\"}");
            client.next("start");
            assertEquals("ok", WsClient.text(client.untilTerminal()));
        }
        var messages = UPSTREAM.last("untyped").messages();
        assertEquals("system", messages.getJsonObject(0).getString("role"));
        assertEquals("You are terse.", messages.getJsonObject(0).getString("content"));
        assertEquals("untyped hello", messages.getJsonObject(1).getString("content"));
    }

    @Test
    void upstreamSeesEveryTurnTheLatestSystemPromptOnceAndPartialAnswers() throws Exception {
        UPSTREAM.on("turn-one", OpenAiSse.tokens(List.of("Answer ", "one."), 0));
        UPSTREAM.on("turn-two", OpenAiSse.tokens(List.of("Answer ", "two."), 0));
        UPSTREAM.on("turn-three", OpenAiSse.endless(20));
        UPSTREAM.on("turn-four", OpenAiSse.tokens(List.of("Four."), 0));
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"turn-one\",\"system\":\"S1\"}");
            String conversation = ",\"conversation_id\":\"" + client.next("start").getString("conversation_id") + "\"";
            client.untilTerminal();
            client.send("{\"type\":\"message\",\"content\":\"turn-two\"" + conversation + "}");
            client.next("start");
            client.untilTerminal();
            client.send("{\"type\":\"message\",\"content\":\"turn-three\",\"system\":\"S2\"" + conversation + "}");
            client.next("start");
            StringBuilder partial = new StringBuilder();
            while (partial.length() < 9) {
                partial.append(client.next("token").getString("content"));
            }
            client.send("{\"type\":\"cancel\"}");
            List<JsonObject> rest = client.untilTerminal();
            partial.append(WsClient.text(rest));
            assertEquals("cancelled", rest.get(rest.size() - 1).getString("finish_reason"));
            client.send("{\"type\":\"message\",\"content\":\"turn-four\"" + conversation + "}");
            client.next("start");
            client.untilTerminal();

            var messages = UPSTREAM.last("turn-four").messages();
            List<String> seen = messages.stream().map(JsonObject.class::cast)
                    .map(m -> m.getString("role") + ":" + m.getString("content")).toList();
            assertEquals(List.of("system:S2", "user:turn-one", "assistant:Answer one.", "user:turn-two",
                    "assistant:Answer two.", "user:turn-three", "assistant:" + partial, "user:turn-four"), seen);
        }
    }

    @Test
    void cancelEndsWithCancelledAndClosesTheUpstreamConnectionAtOnce() throws Exception {
        UPSTREAM.on("cancel-me", OpenAiSse.endless(20));
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"cancel-me\"}");
            String id = client.next("start").getString("id");
            client.next("token");
            client.next("token");
            long cancelledAt = System.nanoTime();
            client.send("{\"type\":\"cancel\"}");
            List<JsonObject> frames = client.untilTerminal();
            JsonObject end = frames.get(frames.size() - 1);
            assertEquals("end", end.getString("type"));
            assertEquals(id, end.getString("id"));
            assertEquals("cancelled", end.getString("finish_reason"));
            assertTrue(end.getJsonObject("usage").getBoolean("estimated"));
            assertTrue(end.getJsonObject("usage").getInt("output_tokens") >= 2);

            FakeUpstream.Exchange exchange = UPSTREAM.last("cancel-me");
            assertTrue(exchange.awaitEnd(2000), "upstream connection closed after cancel");
            assertTrue(exchange.closedByClient());
            long millis = TimeUnit.NANOSECONDS.toMillis(exchange.clientClosedNanos() - cancelledAt);
            assertTrue(millis < 1000, "upstream saw the close " + millis + " ms after cancel");

            client.send("{\"type\":\"ping\"}");
            assertEquals("pong", client.next().getString("type"), "no frame of the cancelled turn follows its end");
        }
    }

    @Test
    void theGaugesCountTheRunningGenerationAndTheEndedOnesBuffer() throws Exception {
        UPSTREAM.on("gauged", OpenAiSse.endless(20));
        long bufferedBefore = Deployments.gauge(deployed, "duplex_resume_buffered_bytes");
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"gauged\"}");
            client.next("start");
            int chars = client.next("token").getString("content").length();
            assertEquals(1, Deployments.gauge(deployed, "duplex_generations_running"));
            client.send("{\"type\":\"cancel\"}");
            chars += WsClient.text(client.untilTerminal()).length();
            // the ended generation is no longer running, and is still kept (with its text) for resuming
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertEquals(0, Deployments.gauge(deployed, "duplex_generations_running")));
            long kept = Deployments.gauge(deployed, "duplex_resume_buffered_bytes") - bufferedBefore;
            assertTrue(kept >= 2L * chars, kept + " bytes kept for an answer of " + chars + " characters");
        }
    }

    @Test
    void cancelBeforeTheFirstTokenAbortsTheRequest() throws Exception {
        UPSTREAM.on("slow-start", exchange -> {
            exchange.sseHead();
            while (!exchange.closedByClient()) {
                exchange.chunk(": thinking\n\n");
                exchange.pause(100);
            }
        });
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"slow-start\"}");
            client.next("start");
            await().until(() -> UPSTREAM.exchanges().stream().anyMatch(e -> e.lastUserMessage().equals("slow-start")));
            client.send("{\"type\":\"cancel\"}");
            JsonObject end = client.next("end");
            assertEquals("cancelled", end.getString("finish_reason"));
            assertEquals(0, end.getJsonObject("usage").getInt("output_tokens"));
            assertTrue(UPSTREAM.last("slow-start").awaitEnd(2000));
            assertTrue(UPSTREAM.last("slow-start").closedByClient());
        }
    }

    @Test
    void aSecondMessageWhileGeneratingIsBusyAndNothingIsLost() throws Exception {
        List<String> tokens = IntStream.rangeClosed(1, 20).mapToObj(i -> "b" + i + " ").toList();
        UPSTREAM.on("first-of-two", OpenAiSse.tokens(tokens, 15));
        UPSTREAM.on("after-busy", OpenAiSse.tokens(List.of("fine"), 0));
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"first-of-two\"}");
            client.next("start");
            client.send("{\"type\":\"message\",\"content\":\"second-too-soon\"}");
            List<JsonObject> frames = client.untilTerminal();
            List<JsonObject> errors = frames.stream().filter(f -> f.getString("type").equals("error")).toList();
            assertEquals(1, errors.size(), frames.toString());
            assertEquals("busy", errors.get(0).getString("code"));
            assertFalse(errors.get(0).containsKey("id"), "busy is not the generation's terminal frame");
            assertEquals(String.join("", tokens), WsClient.text(frames));
            assertEquals("end", frames.get(frames.size() - 1).getString("type"));

            client.send("{\"type\":\"message\",\"content\":\"after-busy\"}");
            client.next("start");
            assertEquals("fine", WsClient.text(client.untilTerminal()));
        }
        assertTrue(UPSTREAM.exchanges().stream().noneMatch(e -> e.lastUserMessage().equals("second-too-soon")));
    }

    @Test
    void messySlightlyOffSpecStreamsAreReadCompletely() throws Exception {
        UPSTREAM.on("messy", exchange -> {
            exchange.sseHead();
            exchange.chunk(": OPENROUTER PROCESSING\n\n");
            exchange.chunk(role());
            exchange.chunk(event("{\"choices\":[{\"delta\":{\"content\":null},\"finish_reason\":null}]}"));
            exchange.chunk(event("{\"choices\":[]}"));
            exchange.chunk("id: 1\r\nevent: message\r\ndata:{\"choices\":[{\"delta\":{\"content\":\"Hel\"},"
                    + "\"finish_reason\":\"\"}]}\r\n\r\n");
            exchange.chunk("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\r\r");
            exchange.chunk("data: {\"choices\":[{\"delta\":{\"content\":\", \"}}]}\n\n");
            exchange.chunk("data: {\"choices\":[{\"delta\":{\"con");
            exchange.chunk("tent\":\"world\"}}]}\n");
            exchange.chunk("\n");
            exchange.chunk(finish("stop"));
            exchange.chunk(usage(5, 4));
            exchange.chunk("data: [DONE]");
            exchange.endBody();
        });
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"messy\"}");
            client.next("start");
            List<JsonObject> frames = client.untilTerminal();
            assertEquals("Hello, world", WsClient.text(frames));
            JsonObject end = frames.get(frames.size() - 1);
            assertEquals("end", end.getString("type"));
            assertEquals("stop", end.getString("finish_reason"));
            assertEquals(4, end.getJsonObject("usage").getInt("output_tokens"));
        }
    }

    @Test
    void multiByteTextSurvivesBeingSplitAcrossChunks() throws Exception {
        String text = "สวัสดีครับ 👋🏽 ไทย and emoji 🇹🇭!";
        UPSTREAM.on("thai", exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            byte[] event = token(text).getBytes(StandardCharsets.UTF_8);
            for (byte b : event) {
                exchange.chunk(new byte[] {b});
            }
            exchange.chunk(token("ต่อ"));
            exchange.chunk(finish("length"));
            exchange.chunk(done());
            exchange.endBody();
        });
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"thai ภาษาไทย 🙏\"}");
            client.next("start");
            List<JsonObject> frames = client.untilTerminal();
            assertEquals(text + "ต่อ", WsClient.text(frames));
            assertEquals("length", frames.get(frames.size() - 1).getString("finish_reason"));
        }
        assertEquals("thai ภาษาไทย 🙏", UPSTREAM.last("thai").lastUserMessage());
    }

    @Test
    void concurrentSessionsNeverMixTokens() throws Exception {
        int sessions = 8;
        for (int i = 0; i < sessions; i++) {
            int n = i;
            UPSTREAM.on("mix-" + n + "!", OpenAiSse.tokens(
                    IntStream.range(0, 40).mapToObj(k -> "s" + n + "." + k + " ").toList(), 3));
        }
        List<WsClient> clients = IntStream.range(0, sessions).mapToObj(i -> connect()).toList();
        try {
            for (int i = 0; i < sessions; i++) {
                clients.get(i).send("{\"content\":\"mix-" + i + "!\"}");
            }
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (WsClient client : clients) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        client.next("start");
                        return WsClient.text(client.untilTerminal());
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (int i = 0; i < sessions; i++) {
                int n = i;
                String expected = IntStream.range(0, 40).mapToObj(k -> "s" + n + "." + k + " ")
                        .collect(Collectors.joining());
                assertEquals(expected, answers.get(i).get(30, TimeUnit.SECONDS));
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void aMessageMayPickAnAllowedModelButNoOther() throws Exception {
        UPSTREAM.on("other model", OpenAiSse.tokens(List.of("hi"), 0));
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"other model\",\"model\":\"gpt-other\"}");
            assertEquals("gpt-other", client.next("start").getString("model"));
            client.untilTerminal();
            assertEquals("gpt-other", UPSTREAM.last("other model").json().getString("model"));

            client.send("{\"type\":\"message\",\"content\":\"nope\",\"model\":\"gpt-secret-internal\"}");
            JsonObject error = client.next("error");
            assertEquals("unknown_model", error.getString("code"));
            assertTrue(error.getString("message").contains("gpt-test"));
        }
        assertTrue(UPSTREAM.exchanges().stream().noneMatch(e -> e.lastUserMessage().equals("nope")));
    }

    @Test
    void badFramesGetAnErrorAndTheConnectionCarriesOn() throws Exception {
        try (WsClient client = connect()) {
            client.send("this is not json");
            assertEquals("invalid_json", client.next("error").getString("code"));
            client.send("[1,2,3]");
            assertEquals("invalid_frame", client.next("error").getString("code"));
            client.send("{\"type\":\"launch\"}");
            assertEquals("unknown_type", client.next("error").getString("code"));
            client.send("{\"type\":\"message\"}");
            assertEquals("missing_content", client.next("error").getString("code"));
            client.send("{\"type\":\"message\",\"content\":\"   \"}");
            assertEquals("missing_content", client.next("error").getString("code"));
            client.send("{\"content\":\"hi\",\"x\":{\"y\":[1,{"); // once spun a server thread for ever
            assertEquals("invalid_json", client.next("error").getString("code"));
            client.send("{\"type\":\"cancel\"}");
            client.send("{\"type\":\"ping\"}");
            assertEquals("pong", client.next().getString("type"), "cancel with nothing running is a no-op");

            String longId = "\uD83D\uDE00".repeat(300); // an id is the client's own input: quoted in part only
            client.send("{\"type\":\"cancel\",\"id\":\"" + longId + "\"}");
            assertQuotedInPart("generation_not_found", client.next("error"));
            client.send("{\"content\":\"hi\",\"conversation_id\":\"" + longId + "\"}");
            assertQuotedInPart("conversation_not_found", client.next("error"));
        }
    }

    /** At most 80 characters of the id, and no half of an emoji (UTF-8 cannot carry it: it arrived as '?'). */
    private static void assertQuotedInPart(String code, JsonObject error) {
        assertEquals(code, error.getString("code"));
        String message = error.getString("message");
        assertTrue(message.length() < 200 && message.contains("\uD83D\uDE00…") && !message.contains("?"), message);
    }

    @Test
    void binaryFrameClosesWith1003AndOversizeWith1009WhileOthersCarryOn() throws Exception {
        List<String> tokens = IntStream.rangeClosed(1, 30).mapToObj(i -> "k" + i + " ").toList();
        UPSTREAM.on("bystander", OpenAiSse.tokens(tokens, 10));
        try (WsClient bystander = connect()) {
            bystander.send("{\"content\":\"bystander\"}");
            bystander.next("start");

            try (WsClient binary = connect()) {
                binary.assertBinaryFrameRefused();
            }
            try (WsClient oversize = connect()) {
                oversize.send("{\"content\":\"" + "ก".repeat(1400) + "\"}");
                assertEquals("frame_too_large", oversize.next("error").getString("code"));
                assertEquals(1009, oversize.awaitCloseCode());
            }
            try (RawWebSocket huge = RawWebSocket.open(Deployments.chat(deployed))) {
                huge.sendTextUntilClosed("{\"content\":\"" + "x".repeat(200_000) + "\"}");
                assertEquals(1009, huge.awaitCloseCode());
            }
            assertEquals(String.join("", tokens), WsClient.text(bystander.untilTerminal()));
        }
    }

    @Test
    void infoNamesTheModelsAndNeverTheKey() throws Exception {
        URI info = Deployments.base(deployed).resolve("api/info");
        String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(info).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(body.contains("\"models\":[\"gpt-test\",\"gpt-other\"]"), body);
        assertTrue(body.contains("\"demo\":false"), body);
        assertFalse(body.contains(API_KEY));
    }
}
