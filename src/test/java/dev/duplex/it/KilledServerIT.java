package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing accepted is lost when the server is killed (SIGKILL, no clean stop) in the middle of an answer: after a
 * restart on the same data directory the question is there, and the answer so far with status interrupted. Runs
 * Payara Micro as a process of its own (Arquillian's container cannot be killed and started again).
 */
class KilledServerIT {

    private final FakeUpstream upstream = FakeUpstream.startUnchecked();
    private final Path dataDir = Deployments.dataDir();
    private Process server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        upstream.close();
    }

    @Test
    void aKilledServerLeavesTheQuestionAndThePartialAnswerMarkedInterrupted() throws Exception {
        upstream.on("Tell me everything", OpenAiSse.endless(20));
        int port = freePort();
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
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
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

    /** Payara Micro with the WAR at /, this test's data directory and upstream; returns once it serves. */
    private Process start(int port, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Path.of("target", "killed-server-" + run + ".log").toAbsolutePath();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m",
                "-Djava.io.tmpdir=" + Path.of("target").toAbsolutePath(),
                "-Dduplex.data-dir=" + dataDir,
                "-Dduplex.upstream.base-url=" + upstream.baseUrl(),
                "-Dduplex.upstream.model=gpt-test",
                "-Dduplex.history.save-interval-ms=100",
                "-jar", System.getProperty("payara.microJar"),
                "--port", Integer.toString(port),
                "--deploy", new File(System.getProperty("duplex.war")).getAbsolutePath(), "--contextroot", "/"));
        // the same options as the Arquillian container: --nocluster, and the PostgreSQL set-up in that profile
        command.addAll(List.of(System.getProperty("payara.extraMicroOptions", "--nocluster").split(" ")));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/models")).build();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        assertTrue(process.isAlive(), "Payara Micro exited; see " + log);
                        return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    });
        } catch (RuntimeException | AssertionError notReady) {
            process.destroyForcibly(); // this method owns the process until it returns it
            throw notReady;
        }
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
