package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nothing accepted is lost when the server is killed (SIGKILL, no clean stop) in the middle of an answer: after a
 * restart on the same data directory the question is there, and the answer so far with status interrupted. Runs
 * Payara Micro as a process of its own (Arquillian's container cannot be killed and started again).
 */
class KilledServerIT extends WithServerProcess {

    @Test
    void aKilledServerLeavesTheQuestionAndThePartialAnswerMarkedInterrupted() throws Exception {
        upstream.on("Tell me everything", OpenAiSse.endless(20));
        int port = PayaraProcess.freePort();
        URL deployed = URI.create("http://localhost:" + port + "/").toURL();
        Browser browser = new Browser(deployed);

        server = start(port, 1);
        String conversation;
        String streamed;
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"Tell me everything\"}");
            conversation = client.next("start").getString("conversation_id");
            await().atMost(Duration.ofSeconds(10)).until(() -> answer(browser, conversation)
                    .getString("content").length() > 20);
            server.kill();
            StringBuilder text = new StringBuilder();
            for (JsonObject frame = client.poll(500); frame != null; frame = client.poll(500)) {
                text.append(frame.getString("content", ""));
            }
            streamed = text.toString();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.openStreams() == 0);

        server = start(port, 2);
        JsonArray messages = browser.getJson("conversations/" + conversation).getJsonArray("messages");
        assertEquals(2, messages.size(), messages.toString());
        JsonObject question = messages.getJsonObject(0);
        assertEquals("Tell me everything", question.getString("content"));
        assertEquals("complete", question.getString("status"));
        JsonObject answer = messages.getJsonObject(1);
        assertEquals("interrupted", answer.getString("status"));
        String saved = answer.getString("content");
        assertTrue(saved.startsWith("w1 w2 w3 "), saved);
        assertFalse(streamed.isEmpty());
        assertTrue(streamed.startsWith(saved) || saved.startsWith(streamed),
                "what was saved is what was streamed: " + saved + " / " + streamed);
    }

    private JsonObject answer(Browser browser, String conversation) {
        return browser.getJson("conversations/" + conversation).getJsonArray("messages").getJsonObject(1);
    }

    private PayaraProcess start(int port, int run) throws IOException {
        return PayaraProcess.start(port, "killed-server-" + run, Map.of(
                "duplex.data-dir", dataDir.toString(),
                "duplex.upstream.base-url", upstream.baseUrl(),
                "duplex.upstream.model", "gpt-test",
                "duplex.history.save-interval-ms", "100"));
    }
}
