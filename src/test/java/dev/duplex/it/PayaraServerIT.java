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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Duplex on Payara Server (the full server of the Payara Micro version the build uses), deployed as
 * docs/operations.md tells an operator: a domain of its own, the settings as system properties with asadmin, then
 * {@code asadmin deploy --contextroot /}, with the data grid turned off by server-config's file for that (Duplex
 * does not use it; finding 81). A browser chats with a real upstream on loopback, and reads the
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
            ProcessHandle domainJvm = domainProcesses(domains).findFirst().orElseThrow();
            assertFalse(dataGridThreads(domainJvm).isEmpty(), "the default domain starts the data grid");
            asadmin(asadmin, "--port", admin, "multimode", "--file",
                    Path.of("server-config/payara/no-data-grid.asadmin").toAbsolutePath().toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> dataGridThreads(domainJvm).isEmpty());
            assertTrue(Pattern.compile("<hazelcast-config-specific-configuration[^>]*enabled=\"false\"")
                    .matcher(Files.readString(domains.resolve("duplex/config/domain.xml"))).find(),
                    "the data grid stays off after a restart");
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
            await().atMost(Duration.ofSeconds(60)).until(() -> domainProcesses(domains).findAny().isEmpty());
        }
        String log = Files.readString(domains.resolve("duplex/logs/server.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("Conversations are stored in the embedded database under"), "Duplex started");
        assertFalse(log.contains("SEVERE"), "no SEVERE in the server's log: " + domains.resolve("duplex/logs"));
    }

    /** The processes running from {@code domains}: the domain's JVM while it runs. */
    private static Stream<ProcessHandle> domainProcesses(Path domains) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(domains.toString()));
    }

    /** The names of a JVM's Hazelcast threads ("hz." and the member's name; Linux keeps 15 characters). */
    private static List<String> dataGridThreads(ProcessHandle jvm) throws IOException {
        List<String> names = new ArrayList<>();
        Path threads = Path.of("/proc", Long.toString(jvm.pid()), "task");
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(threads)) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("hz.")) {
                        names.add(name);
                    }
                } catch (IOException ended) {
                    // the thread ended while we listed them
                }
            }
        }
        return names;
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
