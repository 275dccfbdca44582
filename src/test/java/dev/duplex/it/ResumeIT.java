package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import java.util.Map;
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
 * Generations belong to the server, not to the socket: a client cut at any point of a stream comes back with
 * {@code resume} and receives exactly the rest; several tabs watch one generation; nobody else can; an expired
 * one answers with its stored answer; one nobody watches is cancelled after the grace period and saved.
 */
@ExtendWith(ArquillianExtension.class)
class ResumeIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();
    static final long GRACE_MS = 1500;
    static final long KEEP_MS = 3000;

    /** 40 tokens, some of them with characters outside the BMP, so a cut in the wrong place would show. */
    static final List<String> TOKENS = IntStream.rangeClosed(1, 40)
            .mapToObj(i -> i % 7 == 0 ? "r" + i + " 👋ก " : "r" + i + " ").toList();
    static final String WHOLE = String.join("", TOKENS);

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.api-key", "sk-resume-test",
                "duplex.upstream.model", "gpt-test",
                "duplex.resume.grace-ms", String.valueOf(GRACE_MS),
                "duplex.resume.keep-ms", String.valueOf(KEEP_MS),
                "duplex.ws.max-pending-bytes", "65536"));
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    @Test
    void aClientCutAtAnyPointOfTheStreamResumesToExactlyTheUninterruptedAnswer() throws Exception {
        Browser browser = new Browser(deployed);
        for (int cutAfter : new int[] {0, 1, 7, 23, 39, 40}) {
            String prompt = "cut-" + cutAfter;
            UPSTREAM.on(prompt, OpenAiSse.tokens(TOKENS, 10));
            WsClient first = browser.connect();
            first.send(message(prompt));
            String id = first.next("start").getString("id");
            Received before = Received.until(first, cutAfter);
            first.abort();

            try (WsClient again = browser.connect()) {
                again.send(resume(id, before.seq));
                JsonObject resumed = again.next("resumed");
                assertEquals(id, resumed.getString("id"));
                assertEquals(before.seq, resumed.getJsonNumber("after_seq").longValue());
                List<JsonObject> rest = again.untilTerminal();
                assertEquals("end", rest.get(rest.size() - 1).getString("type"), "cut after " + cutAfter);
                assertEquals(WHOLE, before.text + WsClient.text(rest), "cut after " + cutAfter);
                assertSeqsAfter(before.seq, rest);
            }
        }
    }

    @Test
    void aClientCutBeforeItsStartFrameFindsTheGenerationInItsConversationsAndResumesIt() throws Exception {
        Browser browser = new Browser(deployed);
        UPSTREAM.on("cut-before-start", OpenAiSse.tokens(TOKENS, 10));
        WsClient first = browser.connect();
        first.send(message("cut-before-start"));
        first.abort(); // the start frame, if sent, is never read
        String conversation = org.awaitility.Awaitility.await().until(() -> browser.getJson("conversations")
                .getJsonArray("conversations"), list -> !list.isEmpty()).getJsonObject(0).getString("id");
        JsonObject answer = WsClient.last(browser.getJson("conversations/" + conversation).getJsonArray("messages")
                .getValuesAs(JsonObject.class));
        assertEquals("assistant", answer.getString("role"));
        try (WsClient again = browser.connect()) {
            again.send(resume(answer.getString("generation_id"), 0));
            again.next("resumed");
            List<JsonObject> all = again.untilTerminal();
            assertEquals("end", WsClient.last(all).getString("type"));
            assertEquals(WHOLE, WsClient.text(all));
        }
    }

    @Test
    void afterTheGenerationEndedTheRestAndItsTerminalFrameAreStillThere() throws Exception {
        Browser browser = new Browser(deployed);
        UPSTREAM.on("ends-alone", OpenAiSse.tokens(TOKENS, 5));
        WsClient first = browser.connect();
        first.send(message("ends-alone"));
        JsonObject start = first.next("start");
        String id = start.getString("id");
        Received before = Received.until(first, 5);
        first.abort();
        assertTrue(UPSTREAM.last("ends-alone").awaitEnd(5000));
        org.awaitility.Awaitility.await().until(() -> WsClient.last(browser.getJson("conversations/"
                + start.getString("conversation_id")).getJsonArray("messages").getValuesAs(JsonObject.class))
                .getString("status"), "complete"::equals);

        try (WsClient again = browser.connect()) {
            again.send(resume(id, before.seq));
            assertEquals(start.getString("model"), again.next("resumed").getString("model"),
                    "an ended generation kept for resuming still knows its model");
            List<JsonObject> rest = again.untilTerminal();
            JsonObject end = rest.get(rest.size() - 1);
            assertEquals("stop", end.getString("finish_reason"));
            assertEquals(40, end.getJsonObject("usage").getInt("output_tokens"));
            assertEquals(WHOLE, before.text + WsClient.text(rest));
        }
    }

    @Test
    void severalTabsOfOneUserWatchOneGeneration() throws Exception {
        Browser browser = new Browser(deployed);
        UPSTREAM.on("two-tabs", OpenAiSse.tokens(TOKENS, 15));
        try (WsClient first = browser.connect(); WsClient second = browser.connect()) {
            first.send(message("two-tabs"));
            String id = first.next("start").getString("id");
            Received seen = Received.until(first, 10);
            second.send(resume(id, 0));
            second.next("resumed");
            List<JsonObject> secondFrames = second.untilTerminal();
            List<JsonObject> firstRest = first.untilTerminal();
            assertEquals(WHOLE, WsClient.text(secondFrames), "the second tab saw it all from the start");
            assertEquals(WHOLE, seen.text + WsClient.text(firstRest), "the first tab saw it all too");
            assertEquals(id, secondFrames.get(secondFrames.size() - 1).getString("id"));
            assertEquals(id, firstRest.get(firstRest.size() - 1).getString("id"));
        }
    }

    @Test
    void anotherUserCanNeitherResumeNorCancelIt() throws Exception {
        Browser owner = new Browser(deployed);
        Browser stranger = new Browser(deployed);
        UPSTREAM.on("mine-alone", OpenAiSse.endless(20));
        try (WsClient mine = owner.connect(); WsClient theirs = stranger.connect()) {
            mine.send(message("mine-alone"));
            String id = mine.next("start").getString("id");
            mine.next("token");

            theirs.send(resume(id, 0));
            assertEquals("generation_not_found", theirs.next("error").getString("code"));
            theirs.send("{\"type\":\"cancel\",\"id\":\"" + id + "\"}");
            assertEquals("generation_not_found", theirs.next("error").getString("code"));
            assertNull(theirs.poll(300), "no stored answer of someone else's either");

            JsonObject token = mine.next("token");
            assertTrue(token.getString("content").startsWith("w"), "still streaming to its owner");
            mine.send("{\"type\":\"cancel\"}");
            JsonObject end = WsClient.last(mine.untilTerminal());
            assertEquals("cancelled", end.getString("finish_reason"));
        }
    }

    @Test
    void aGenerationNoLongerKeptAnswersWithItsStoredAnswer() throws Exception {
        Browser browser = new Browser(deployed);
        UPSTREAM.on("kept-a-while", OpenAiSse.tokens(TOKENS, 0));
        String id;
        try (WsClient client = browser.connect()) {
            client.send(message("kept-a-while"));
            JsonObject start = client.next("start");
            id = start.getString("id");
            assertEquals("end", WsClient.last(client.untilTerminal()).getString("type"));
        }
        Thread.sleep(KEEP_MS + 600);
        try (WsClient later = browser.connect()) {
            later.send(resume(id, 3));
            assertEquals("generation_not_found", later.next("error").getString("code"));
            JsonObject stored = later.next("stored_answer");
            assertEquals(id, stored.getString("id"));
            assertEquals(WHOLE, stored.getString("content"));
            assertEquals("complete", stored.getString("status"));
            assertEquals("stop", stored.getString("finish_reason"));

            later.send(resume("no-such-generation", 0));
            assertEquals("generation_not_found", later.next("error").getString("code"));
            assertNull(later.poll(300), "nothing stored for an unknown id");
        }
    }

    @Test
    void aDroppedConnectionLeavesTheGenerationRunningAndAnyConnectionOfTheUserCanCancelIt() throws Exception {
        Browser browser = new Browser(deployed);
        UPSTREAM.on("dropped", OpenAiSse.endless(20));
        WsClient first = browser.connect();
        first.send(message("dropped"));
        String id = first.next("start").getString("id");
        Received before = Received.until(first, 3);
        first.abort();
        FakeUpstream.Exchange exchange = UPSTREAM.last("dropped");
        assertFalse(exchange.awaitEnd(GRACE_MS / 2), "the generation outlives its connection");

        try (WsClient again = browser.connect(); WsClient other = browser.connect()) {
            again.send(resume(id, before.seq));
            again.next("resumed");
            JsonObject next = again.next("token");
            assertTrue(next.getString("content").startsWith("w" + (before.seq + 1) + " "),
                    "resumed right after w" + before.seq + ": " + next);
            Thread.sleep(GRACE_MS + 500);
            assertFalse(exchange.awaitEnd(0), "watched again, so the grace period does not apply");

            other.send("{\"type\":\"cancel\",\"id\":\"" + id + "\"}");
            JsonObject end = WsClient.last(again.untilTerminal());
            assertEquals("cancelled", end.getString("finish_reason"));
            assertTrue(exchange.awaitEnd(2000));
            assertTrue(exchange.closedByClient());
        }
    }

    @Test
    void aGenerationNobodyWatchesIsCancelledAfterTheGracePeriodAndSaved() throws Exception {
        Browser browser = new Browser(deployed);
        UPSTREAM.on("left-alone", OpenAiSse.endless(20));
        String conversation;
        Received seen;
        try (WsClient client = browser.connect()) {
            client.send(message("left-alone"));
            conversation = client.next("start").getString("conversation_id");
            seen = Received.until(client, 2);
        }
        long closedAt = System.nanoTime();
        FakeUpstream.Exchange exchange = UPSTREAM.last("left-alone");
        assertFalse(exchange.awaitEnd(GRACE_MS - 500), "still running within the grace period");
        assertTrue(exchange.awaitEnd(GRACE_MS + 3000), "cancelled once the grace period is over");
        assertTrue(exchange.closedByClient());
        long afterMs = (System.nanoTime() - closedAt) / 1_000_000;
        assertTrue(afterMs >= GRACE_MS, "cancelled after " + afterMs + " ms");

        JsonObject answer = org.awaitility.Awaitility.await().until(
                () -> WsClient.last(browser.getJson("conversations/" + conversation).getJsonArray("messages")
                        .getValuesAs(JsonObject.class)), a -> "cancelled".equals(a.getString("status")));
        assertTrue(answer.getString("content").startsWith(seen.text));
        assertTrue(answer.getString("content").length() > seen.text.length(),
                "what was generated while nobody watched is saved too");
    }

    @Test
    void resumingAfterATokenNotYetSentIsRefusedAndTheConnectionStaysUsable() throws Exception {
        Browser browser = new Browser(deployed);
        UPSTREAM.on("too-far", OpenAiSse.endless(20));
        try (WsClient client = browser.connect(); WsClient other = browser.connect()) {
            client.send(message("too-far"));
            String id = client.next("start").getString("id");
            client.next("token");
            other.send(resume(id, 1_000_000));
            JsonObject error = other.next("error");
            assertEquals("invalid_frame", error.getString("code"));
            assertFalse(error.containsKey("id"));
            other.send("{\"type\":\"ping\"}");
            other.next("pong");
            client.send("{\"type\":\"cancel\"}");
            assertEquals("cancelled", WsClient.last(client.untilTerminal()).getString("finish_reason"));
        }
    }

    /**
     * The answer (3 MB) must be more than the kernel's socket buffers take on loopback, or no send ever waits and
     * the reader is rightly never closed: they took 180-720 KB in these runs, and once all of the 900 KB this test
     * first streamed. It must also stream within the grace period ({@link #GRACE_MS}) once the reader is closed,
     * or the generation is cancelled for want of a watcher (a 9 MB answer was, on a busy machine).
     */
    @Test
    void aReaderThatFallsTooFarBehindIsClosedWith1013AndResumesWithNothingLost() throws Exception {
        Browser browser = new Browser(deployed);
        List<String> big = IntStream.rangeClosed(1, 150)
                .mapToObj(i -> String.valueOf((char) ('a' + i % 26)).repeat(19_999) + " ").toList();
        UPSTREAM.on("flood", OpenAiSse.tokens(big, 0));
        String id;
        long seq = 0;
        StringBuilder before = new StringBuilder();
        try (WsClient slow = browser.connect()) {
            slow.pauseReading();
            slow.send(message("flood"));
            FakeUpstream.Exchange exchange = org.awaitility.Awaitility.await()
                    .until(() -> UPSTREAM.exchanges().stream().filter(e -> e.lastUserMessage().equals("flood"))
                            .findFirst().orElse(null), java.util.Objects::nonNull);
            assertTrue(exchange.awaitEnd(10_000), "the upstream is read at its own pace, whatever the client does");
            org.awaitility.Awaitility.await().untilAsserted(() -> assertEquals(0,
                    Deployments.gauge(deployed, "duplex_sessions_open"), "the server let the slow reader go"));

            slow.resumeReading();
            id = slow.next("start").getString("id");
            for (JsonObject frame = slow.poll(500); frame != null; frame = slow.poll(500)) { // all in the kernel
                assertEquals("token", frame.getString("type"), "no terminal frame for a reader cut off: " + frame);
                before.append(frame.getString("content"));
                seq = frame.getJsonNumber("seq").longValue();
            }
            assertEquals(1013, slow.awaitCloseCode(), "closed with 1013 (try again later)");
        }
        assertTrue(before.length() < String.join("", big).length(), "it was cut before the end");

        try (WsClient again = browser.connect()) {
            again.send(resume(id, seq));
            again.next("resumed");
            List<JsonObject> rest = again.untilTerminal();
            assertEquals("end", WsClient.last(rest).getString("type"));
            assertEquals(String.join("", big), before + WsClient.text(rest));
        }
    }

    private static String message(String content) {
        return "{\"type\":\"message\",\"content\":\"" + content + "\"}";
    }

    private static String resume(String id, long afterSeq) {
        return "{\"type\":\"resume\",\"id\":\"" + id + "\",\"after_seq\":" + afterSeq + "}";
    }

    private static void assertSeqsAfter(long afterSeq, List<JsonObject> frames) {
        long last = afterSeq;
        for (JsonObject frame : frames) {
            if (frame.getString("type").equals("token")) {
                long seq = frame.getJsonNumber("seq").longValue();
                assertTrue(seq > last, "seq " + seq + " after " + last);
                last = seq;
            }
        }
    }

    /** The text a client received, and the seq of its last token frame. */
    private record Received(String text, long seq) {

        /** Reads token frames until one carries {@code seq} or more (none for 0). */
        static Received until(WsClient client, long seq) throws InterruptedException {
            StringBuilder text = new StringBuilder();
            long last = 0;
            while (last < seq) {
                JsonObject frame = client.next("token");
                text.append(frame.getString("content"));
                last = frame.getJsonNumber("seq").longValue();
            }
            return new Received(text.toString(), last);
        }
    }
}
