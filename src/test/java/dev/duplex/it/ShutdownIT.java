package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Stopping the server (SIGTERM) while answers stream: an answer that finishes within the drain period ends
 * normally, one that does not ends with {@code shutting_down} and is saved as interrupted with its text so far,
 * every client is closed with 1001, and nothing logs a SEVERE. Payara Micro runs as a process of its own so that
 * it can be stopped.
 */
class ShutdownIT extends WithServerProcess {

    @Test
    void runningAnswersGetTheDrainPeriodThenAreSavedAsInterrupted() throws Exception {
        upstream.on("quick", OpenAiSse.tokens(List.of("almost ", "done"), 700));
        upstream.on("forever", OpenAiSse.endless(50));
        int port = PayaraProcess.freePort();
        server = start(port, 1);
        Browser quickBrowser = new Browser(server.url());
        Browser longBrowser = new Browser(server.url());
        String quickConversation;
        String longConversation;
        try (WsClient quick = quickBrowser.connect(); WsClient endless = longBrowser.connect()) {
            endless.send("{\"content\":\"forever and ever\"}");
            longConversation = endless.next("start").getString("conversation_id");
            endless.next("token");
            quick.send("{\"content\":\"quick one\"}");
            quickConversation = quick.next("start").getString("conversation_id");

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    server.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<JsonObject> quickFrames = quick.untilTerminal();
            assertEquals("end", quickFrames.get(quickFrames.size() - 1).getString("type"), "it finished in time");
            assertEquals("almost done", WsClient.text(quickFrames));
            endless.assertCutByShutdown();
            assertEquals(1001, quick.awaitCloseCode());
            stopped.join();
        }
        assertEquals(List.of(), Deployments.severeRecords(server.logText().lines().toList()),
                "no SEVERE while it stopped: see " + server.log);

        server = start(port, 2);
        Deployments.assertSavedInterrupted(longBrowser.getJson("conversations/" + longConversation)
                .getJsonArray("messages").getJsonObject(1), "w1 w2 ");
        JsonObject finished = quickBrowser.getJson("conversations/" + quickConversation).getJsonArray("messages")
                .getJsonObject(1);
        assertEquals("complete", finished.getString("status"));
        assertEquals("almost done", finished.getString("content"));
    }

    private PayaraProcess start(int port, int run) throws java.io.IOException {
        return PayaraProcess.start(port, "shutdown-" + run, Map.of(
                "duplex.data-dir", dataDir.toString(),
                "duplex.upstream.base-url", upstream.baseUrl(),
                "duplex.upstream.model", "gpt-test",
                "duplex.shutdown.drain-ms", "3000"));
    }
}
