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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Duplex on Payara Server (the full server of the Payara Micro version the build uses), deployed as
 * docs/operations.md tells an operator: a domain of its own, the settings as system properties with asadmin, then
 * {@code asadmin deploy --contextroot /}. A browser chats with a real upstream on loopback, and reads the
 * conversation back; the server's metrics carry Duplex's gauges; undeploying and stopping log no SEVERE.
 */
class PayaraServerIT extends WithServerProcess {

    @Test
    void duplexDeploysOnPayaraServerStreamsAndStopsCleanly() throws Exception {
        Path asadmin = Path.of(System.getProperty("payara.server.home"), "bin", "asadmin").toAbsolutePath();
        Path domains = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "payara-server-");
        int http = PayaraProcess.freePort();
        int portBase = http - 80; // the domain's HTTP listener is at its port base + 80, its admin at + 48
        List<String> domain = List.of("--domaindir", domains.toString(), "duplex");
        asadmin(asadmin, "create-domain", "--portbase", Integer.toString(portBase), "--nopassword=true",
                "--domaindir", domains.toString(), "duplex");
        asadmin(asadmin, concat(List.of("start-domain"), domain));
        try {
            String admin = Integer.toString(portBase + 48);
            asadmin(asadmin, "--port", admin, "create-system-properties",
                    "duplex.data-dir=" + dataDir.toString().replace(":", "\\:")
                            + ":duplex.auth.mode=anonymous"
                            + ":duplex.upstream.base-url=" + upstream.baseUrl().replace(":", "\\:")
                            + ":duplex.upstream.model=gpt-test");
            asadmin(asadmin, "--port", admin, "deploy", "--contextroot", "/",
                    Path.of(System.getProperty("duplex.war")).toAbsolutePath().toString());
            URL deployed = URI.create("http://localhost:" + http + "/").toURL();

            upstream.on("Hello Payara Server", OpenAiSse.tokens(List.of("Served ", "by ", "Grizzly."), 10));
            Browser browser = new Browser(deployed);
            String conversation;
            try (WsClient client = browser.connect()) {
                client.send("{\"type\":\"message\",\"content\":\"Hello Payara Server\"}");
                conversation = client.next("start").getString("conversation_id");
                List<JsonObject> frames = client.untilTerminal();
                assertEquals("Served by Grizzly.", WsClient.text(frames));
                assertEquals("stop", WsClient.last(frames).getString("finish_reason"));
            }
            JsonArray messages = browser.getJson("conversations/" + conversation).getJsonArray("messages");
            assertEquals("Served by Grizzly.", messages.getJsonObject(1).getString("content"));
            assertEquals("complete", messages.getJsonObject(1).getString("status"));
            Deployments.assertNothingLeftRunning(deployed, upstream); // Duplex's gauges, from the server's metrics

            asadmin(asadmin, "--port", admin, "undeploy", "duplex");
        } finally {
            asadmin(asadmin, concat(List.of("stop-domain"), domain));
            // stop-domain returns once the admin port is closed; the domain's JVM may still be exiting
            await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.allProcesses().noneMatch(process ->
                    process.info().commandLine().orElse("").contains(domains.toString())));
        }
        String log = Files.readString(domains.resolve("duplex/logs/server.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("Conversations are stored in the embedded database under"), "Duplex started");
        assertFalse(log.contains("SEVERE"), "no SEVERE in the server's log: " + domains.resolve("duplex/logs"));
    }

    private static void asadmin(Path asadmin, String... arguments) throws IOException, InterruptedException {
        asadmin(asadmin, List.of(arguments));
    }

    private static void asadmin(Path asadmin, List<String> arguments) throws IOException, InterruptedException {
        AdminTool.run(Path.of("target"), Map.of("AS_JAVA", System.getProperty("java.home")),
                concat(List.of(asadmin.toString()), arguments));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
