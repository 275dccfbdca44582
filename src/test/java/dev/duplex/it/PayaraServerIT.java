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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Duplex on Payara Server (the full server of the Payara Micro version the build uses), deployed as
 * docs/operations.md tells an operator: a domain of its own, the settings as system properties with asadmin, then
 * {@code asadmin deploy --contextroot /}, with the data grid turned off by server-config's file for that (Duplex
 * does not use it; finding 81). Duplex warns that the default domain gives every frame an unpooled buffer; then
 * server-config's JVM options and usage-log.properties are applied and the domain restarted, and its JVM is checked
 * for them (the warning is not logged again). A browser chats with a real upstream on loopback, and reads the
 * conversation back, whose usage record is in its own file; the
 * server's metrics carry Duplex's gauges; Duplex undeployed while an answer streams ends and saves it and leaves
 * none of its threads; it is deployed again; providers.asadmin changes its models while it runs, and the domain
 * stops with it; nothing logs a SEVERE.
 */
class PayaraServerIT extends WithServerProcess {

    private static final String KEY = "sk-proj-from-the-alias-store";

    /** The start of {@code FrameBufferCheck}'s warning. */
    private static final String UNPOOLED_FRAMES = "Grizzly's memory manager is ";

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
            assertFalse(JvmThreads.named(domainJvm, "hz.").isEmpty(), "the default domain starts the data grid");
            asadmin(asadmin, "--port", admin, "multimode", "--file",
                    Path.of("server-config/payara/no-data-grid.asadmin").toAbsolutePath().toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> JvmThreads.named(domainJvm, "hz.").isEmpty());
            asadmin(asadmin, "--port", admin, "create-system-properties",
                    "duplex.data-dir=" + dataDir.toString().replace(":", "\\:")
                            + ":duplex.auth.mode=anonymous"
                            + ":duplex.upstream.base-url=" + upstream.baseUrl().replace(":", "\\:")
                            + ":duplex.upstream.model=gpt-test"
                            + ":duplex.shutdown.drain-ms=1000");
            // the provider's key in the password alias store, as api-key.asadmin tells Payara Server's operators
            Path aliasPassword = domains.resolve("alias-password.txt");
            Files.writeString(aliasPassword, "AS_ADMIN_ALIASPASSWORD=" + KEY + "\n");
            asadmin(asadmin, "--port", admin, "--passwordfile", aliasPassword.toString(), "create-password-alias",
                    "duplex.upstream.api-key");
            Files.delete(aliasPassword);
            asadmin(asadmin, "--port", admin, "deploy", "--contextroot", "/",
                    Path.of(System.getProperty("duplex.war")).toAbsolutePath().toString());
            assertEquals(1, count(serverLog(domains), UNPOOLED_FRAMES),
                    "Duplex warns that the default domain gives every frame a new buffer");

            // the recommended JVM options, as docs/operations.md has them applied; the restart redeploys Duplex
            asadmin(asadmin, "--port", admin, "multimode", "--file",
                    Path.of("server-config/payara/jvm-options.asadmin").toAbsolutePath().toString());
            // and the usage record's own file, as usage-log.properties says (asadmin cannot set a logger's handlers)
            Files.writeString(domains.resolve("duplex/config/logging.properties"),
                    "\n" + Files.readString(Path.of("server-config/payara/usage-log.properties")),
                    StandardOpenOption.APPEND);
            // behind a proxy ending TLS: the command reverse-proxy.asadmin gives Payara Server's operators
            asadmin(asadmin, concat(List.of("--port", admin), reverseProxyCommand()));
            asadmin(asadmin, concat(List.of("restart-domain"), domain));
            ProcessHandle restarted = domainProcesses(domains)
                    .filter(jvm -> jvm.pid() != domainJvm.pid() && jvm.isAlive()).findFirst().orElseThrow();
            List<String> options = arguments(restarted);
            assertTrue(options.containsAll(List.of(
                    "-Dorg.glassfish.grizzly.DEFAULT_MEMORY_MANAGER=org.glassfish.grizzly.memory.PooledMemoryManager",
                    "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                    "-Xmx1g", "-Xms1g", "-XX:+AlwaysPreTouch")), "the domain's JVM runs with them: " + options);
            assertFalse(options.stream().anyMatch(option -> option.contains("HeapMemoryManager")
                    || option.equals("-Xmx512m")), "nothing of the default it replaced is left: " + options);
            assertTrue(JvmThreads.named(restarted, "hz.").isEmpty(), "the data grid stays off after a restart");
            URL deployed = URI.create("http://localhost:" + http + "/").toURL();
            Browser browser = new Browser(deployed);
            // restart-domain returns once the admin port answers, which can be before Duplex is loaded again
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> browser.get("info").statusCode() == 200);
            assertTrue(identityCookie(deployed, "https").contains("; Secure"), "the scheme the proxy names");
            assertFalse(identityCookie(deployed, "http").contains("; Secure"), "http stays http");

            upstream.on("Hello Payara Server", OpenAiSse.tokens(List.of("Served ", "by ", "Grizzly."), 10));
            String conversation;
            String generation;
            try (WsClient client = browser.connect()) {
                client.send("{\"type\":\"message\",\"content\":\"Hello Payara Server\"}");
                JsonObject start = client.next("start");
                conversation = start.getString("conversation_id");
                generation = start.getString("id");
                List<JsonObject> frames = client.untilTerminal();
                assertEquals("Served by Grizzly.", WsClient.text(frames));
                assertEquals("stop", WsClient.last(frames).getString("finish_reason"));
            }
            assertEquals("Bearer " + KEY, upstream.last("Hello Payara Server").headers.get("authorization"),
                    "the key from the password alias store");
            JsonArray messages = browser.getJson("conversations/" + conversation).getJsonArray("messages");
            assertEquals("Served by Grizzly.", messages.getJsonObject(1).getString("content"));
            assertEquals("complete", messages.getJsonObject(1).getString("status"));
            JsonObject usage = Deployments.usageRecordOnlyIn(domains.resolve("duplex/logs/duplex-usage0.log"),
                    generation, domains.resolve("duplex/logs/server.log"));
            assertEquals(3, usage.getInt("output_tokens"), usage.toString());
            assertEquals("stop", usage.getString("outcome"), usage.toString());
            // Duplex's gauges, from the server's metrics
            Deployments.assertNothingLeftRunning(Deployments.metrics(deployed), upstream);

            undeployWhileAnAnswerStreamsThenDeployAgain(asadmin, admin, browser, restarted);
            providersFromTheShippedFileWithoutARestart(asadmin, admin, browser);
        } finally {
            asadmin(asadmin, concat(List.of("stop-domain"), domain));
            // stop-domain returns once the admin port is closed; the domain's JVM may still be exiting
            await().atMost(Duration.ofSeconds(60)).until(() -> domainProcesses(domains).findAny().isEmpty());
        }
        String logged = serverLog(domains);
        assertEquals(3, count(logged, "Conversations are stored in the embedded database under"),
                "Duplex started, again after the restart, and once more deployed again");
        assertEquals(1, count(logged, UNPOOLED_FRAMES), "no warning after the restart with the options");
        assertEquals(List.of(), Deployments.severeRecords(logged.lines().toList()),
                "no SEVERE in the server's log: " + domains.resolve("duplex/logs"));
    }

    /** The asadmin command for Payara Server in reverse-proxy.asadmin's header, as its words. */
    private static List<String> reverseProxyCommand() throws IOException {
        String prefix = "#   asadmin ";
        return Files.readAllLines(Path.of("server-config", "payara", "reverse-proxy.asadmin")).stream()
                .filter(line -> line.startsWith(prefix + "set ") && line.contains("http-listener-1"))
                .map(line -> List.of(line.substring(prefix.length()).split(" ")))
                .findFirst().orElseThrow(() -> new AssertionError("no Payara Server command in reverse-proxy.asadmin"));
    }

    /** The anonymous identity cookie a new browser gets from a request the proxy says came in over {@code scheme}. */
    private static String identityCookie(URL deployed, String scheme) throws IOException, InterruptedException {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + deployed.getPort() + "/api/info"))
                .header("X-Forwarded-Proto", scheme).build(), HttpResponse.BodyHandlers.discarding());
        return response.headers().allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith("duplex_id="))
                .findFirst().orElseThrow(() -> new AssertionError(response.headers().toString()));
    }

    /** The processes running from {@code domains}: the domain's JVM while it runs. */
    private static Stream<ProcessHandle> domainProcesses(Path domains) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(domains.toString()));
    }

    /**
     * An operator replacing the WAR while an answer streams: the client gets the answer's {@code shutting_down}
     * end and 1001, the provider's connection is closed, none of Duplex's threads is left in the server (Payara
     * destroys the beans after the application's class loader has stopped), and the answer deployed again reads
     * as interrupted.
     */
    private void undeployWhileAnAnswerStreamsThenDeployAgain(Path asadmin, String admin, Browser browser,
            ProcessHandle jvm) throws Exception {
        String question = "Stream while it is undeployed";
        upstream.on(question, OpenAiSse.endless(20));
        String conversation;
        try (WsClient client = browser.connect()) {
            client.send("{\"type\":\"message\",\"content\":\"" + question + "\"}");
            conversation = client.next("start").getString("conversation_id");
            client.next("token");
            CompletableFuture<Void> undeployed = CompletableFuture.runAsync(() -> {
                try {
                    asadmin(asadmin, "--port", admin, "undeploy", "duplex");
                } catch (IOException | InterruptedException e) {
                    throw new CompletionException(e);
                }
            });
            client.assertCutByShutdown();
            undeployed.join();
        }
        assertTrue(upstream.last(question).awaitEnd(2000), "the upstream connection closed");
        JvmThreads.awaitNoneOfDuplex(jvm);

        asadmin(asadmin, "--port", admin, "deploy", "--contextroot", "/",
                Path.of(System.getProperty("duplex.war")).toAbsolutePath().toString());
        Deployments.assertSavedInterrupted(browser.getJson("conversations/" + conversation).getJsonArray("messages")
                .getJsonObject(1), "w1 ");
    }

    /**
     * providers.asadmin run as its header tells Payara Server's operators ({@code asadmin multimode --file}), on the
     * running domain: the catalogue changes without a restart, and the display name with a space is whole (asadmin's
     * own tokenizer; ExampleSettingsIT runs Payara Micro's boot-command reader on the same file).
     */
    private static void providersFromTheShippedFileWithoutARestart(Path asadmin, String admin, Browser browser)
            throws IOException, InterruptedException {
        asadmin(asadmin, "--port", admin, "multimode", "--file",
                Path.of("server-config/payara/providers.asadmin").toAbsolutePath().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getJson("models").getString("default_model"),
                "gpt-4o-mini"::equals);
        JsonObject catalogue = browser.getJson("models");
        assertFalse(catalogue.getBoolean("demo"), catalogue.toString());
        Map<String, String> displayNames = new TreeMap<>();
        catalogue.getJsonArray("models").getValuesAs(JsonObject.class)
                .forEach(model -> displayNames.put(model.getString("id"), model.getString("display_name", "")));
        assertEquals("Claude Sonnet", displayNames.get("claude-sonnet"), "a value with a space, whole: " + catalogue);
        assertTrue(displayNames.keySet().containsAll(List.of("claude-sonnet", "gpt-4o-mini", "llama3.2")),
                catalogue.toString());
    }

    /** The server's log, rotated files included, oldest first. */
    private static String serverLog(Path domains) throws IOException {
        try (Stream<Path> files = Files.list(domains.resolve("duplex/logs"))) {
            List<Path> logs = files.filter(file -> file.getFileName().toString().startsWith("server.log"))
                    .sorted(Comparator.comparing((Path file) -> file.getFileName().toString().equals("server.log"))
                            .thenComparing(Path::toString))
                    .toList();
            StringBuilder text = new StringBuilder();
            for (Path file : logs) {
                text.append(Files.readString(file, StandardCharsets.UTF_8));
            }
            return text.toString();
        }
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    /** A JVM's command line, one argument an element. */
    private static List<String> arguments(ProcessHandle jvm) throws IOException {
        String commandLine = Files.readString(Path.of("/proc", Long.toString(jvm.pid()), "cmdline"));
        return List.of(commandLine.split("\0"));
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
