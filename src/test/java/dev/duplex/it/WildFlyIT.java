package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Duplex on WildFly, set up as docs/operations.md tells an operator: the server's standalone-microprofile
 * configuration, {@code server-config/wildfly/duplex.cli}, {@code metrics.cli}, {@code usage-log.cli} and
 * {@code reverse-proxy.cli} applied with the CLI, the WAR deployed (at {@code /duplex}). A client signs in with the form, chats over WildFly's
 * WebSocket with a real upstream on loopback, cancels, and reads its conversation back over REST, and the answer's
 * usage record is in its own file; Chromium does the same through the page; Duplex is
 * undeployed, then the server stopped, each in the middle of an answer. The build's PostgreSQL run applies {@code postgresql.cli} too, with anonymous
 * browsers (the shared database already has accounts, so no first admin is created there).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WildFlyIT {

    private static final String ADMIN_PASSWORD = "wildfly-admin-password-1";
    private static final boolean POSTGRESQL = "PostgreSQL".equals(System.getProperty("duplex.it.database"));
    private static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();
    private static WildFlyProcess server;
    private static SignedIn admin;
    private static Browser browser;

    @BeforeAll
    static void startWildFly() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "duplex.data-dir", Deployments.dataDir().toString(),
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.model", "gpt-test",
                "duplex.upstream.api-key", "sk-wildfly",
                "duplex.auth.bootstrap-admin", "root",
                "duplex.auth.bootstrap-password", ADMIN_PASSWORD,
                "duplex.shutdown.drain-ms", "1000"));
        if (POSTGRESQL) {
            settings.put("duplex.auth.mode", "anonymous");
        }
        server = WildFlyProcess.start("wildfly", settings);
        server.cli(Path.of("server-config/wildfly/duplex.cli"), Path.of("."));
        server.cli(Path.of("server-config/wildfly/metrics.cli"), Path.of("."));
        server.cli(Path.of("server-config/wildfly/usage-log.cli"), Path.of("."));
        server.cli(Path.of("server-config/wildfly/reverse-proxy.cli"), Path.of("."));
        if (POSTGRESQL) {
            server.removeModule("org.postgresql");
            server.cli(Path.of("server-config/wildfly/postgresql.cli"), Path.of("target")); // the driver is there
        }
        server.deployDuplex();
        signIn();
    }

    private static void signIn() throws Exception {
        if (POSTGRESQL) {
            browser = browser == null ? new Browser(server.url()) : browser;
        } else {
            admin = SignedIn.attempt(server.url(), "root", ADMIN_PASSWORD);
        }
    }

    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(server.management("/prometheus"), UPSTREAM);
    }

    @AfterAll
    static void stopWildFly() throws Exception {
        try {
            if (server != null) {
                assertStopsCleanly();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            UPSTREAM.close();
        }
    }

    /**
     * Undeploying Duplex (an operator replacing the WAR) while an answer streams: the client gets the answer's
     * {@code shutting_down} end and 1001 (GracefulShutdown runs before Undertow closes the WebSockets), and the
     * answer is saved as interrupted, and none of Duplex's threads is left in the server.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void anUndeployedDuplexEndsTheAnswerStillStreamingAndSavesIt() throws Exception {
        String conversation;
        try (WsClient client = streamingClient("Stream while it is undeployed")) {
            conversation = client.next("start").getString("conversation_id");
            client.next("token");
            CompletableFuture<Void> undeployed = CompletableFuture.runAsync(() -> {
                try {
                    server.undeployDuplex();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            client.assertCutByShutdown();
            undeployed.join();
        }
        JvmThreads.awaitNoneOfDuplex(server.jvm());
        assertTrue(UPSTREAM.last("Stream while it is undeployed").awaitEnd(2000), "the upstream connection closed");
        server.deployDuplex();
        signIn();
        assertSavedInterrupted(conversation);
        try (WsClient client = connect()) {
            client.send("{\"type\":\"ping\"}");
            client.next("pong");
            assertEquals(1, Deployments.gauge(server.management("/prometheus"), "duplex_sessions_open"),
                    "the gauges are the redeployed Duplex's");
        }
    }

    /**
     * Last (it stops the server): SIGTERM while an answer streams. WildFly suspends first, which closes every
     * WebSocket with 1001 at once (Undertow's, before any application code runs); the answer goes on for the drain
     * period, then is saved as interrupted: the data source outlives Duplex (jboss-web.xml's reference).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aStoppedServerSavesTheAnswerStillStreaming() throws Exception {
        String conversation;
        try (WsClient client = streamingClient("Stream while it stops")) {
            conversation = client.next("start").getString("conversation_id");
            client.next("token");
            assertStopsCleanly();
            assertEquals(1001, client.awaitCloseCode());
        }
        assertTrue(UPSTREAM.last("Stream while it stops").awaitEnd(2000), "the upstream connection closed");
        server.restart();
        signIn();
        assertSavedInterrupted(conversation);
    }

    private static WsClient streamingClient(String question) {
        UPSTREAM.on(question, OpenAiSse.endless(20));
        WsClient client = connect();
        client.send("{\"type\":\"message\",\"content\":\"" + question + "\"}");
        return client;
    }

    private static void assertSavedInterrupted(String conversation) throws Exception {
        JsonObject answer = get("conversations/" + conversation).getJsonArray("messages").getJsonObject(1);
        Deployments.assertSavedInterrupted(answer, "w1 ");
    }

    /** SIGTERM: WildFly exits with 0, and its log has no error, no warning of an answer not saved. */
    private static void assertStopsCleanly() throws Exception {
        assertEquals(0, server.stop(), "WildFly's exit status after SIGTERM");
        String log = server.logText();
        assertTrue(log.contains("WFLYSRV0050"), "WildFly stopped: " + server.log);
        assertFalse(log.lines().anyMatch(line -> line.contains("ERROR") || line.contains("SEVERE")
                || line.contains("Could not save")), "no error in WildFly's log: " + server.log);
    }

    @Test
    void anAnswerStreamsOverWildFlysWebSocketAndIsStored() throws Exception {
        UPSTREAM.on("Hello WildFly", OpenAiSse.tokens(List.of("Served ", "by ", "Undertow."), 10));
        String conversation;
        String generation;
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"Hello WildFly\"}");
            List<JsonObject> frames = client.untilTerminal();
            JsonObject start = frames.get(0);
            assertEquals("start", start.getString("type"), frames.toString());
            assertEquals("gpt-test", start.getString("model"));
            conversation = start.getString("conversation_id");
            generation = start.getString("id");
            assertEquals("Served by Undertow.", WsClient.text(frames));
            JsonObject end = WsClient.last(frames);
            assertEquals("end", end.getString("type"), frames.toString());
            assertEquals("stop", end.getString("finish_reason"));
            assertEquals(3, end.getJsonObject("usage").getInt("output_tokens"));
            assertFalse(end.getJsonObject("usage").containsKey("estimated"), "the provider's own count");
        }
        FakeUpstream.Exchange request = UPSTREAM.last("Hello WildFly");
        assertEquals("Bearer sk-wildfly", request.headers.get("authorization"));
        assertTrue(request.json().getBoolean("stream"));

        // JSON-B's names (not Jackson's, which WildFly's RESTEasy prefers when a library uses its annotations)
        JsonObject stored = get("conversations/" + conversation);
        JsonArray messages = stored.getJsonArray("messages");
        assertEquals(2, messages.size(), stored.toString());
        assertEquals("Hello WildFly", messages.getJsonObject(0).getString("content"));
        JsonObject answer = messages.getJsonObject(1);
        assertEquals("Served by Undertow.", answer.getString("content"));
        assertEquals("complete", answer.getString("status"));
        assertEquals("stop", answer.getString("finish_reason"));
        assertTrue(answer.containsKey("created_at"), answer.toString());
        assertEquals(3, answer.getJsonObject("usage").getInt("output_tokens"));
        // usage-log.cli: the generation's usage record in a file of its own, in neither server.log nor the console
        JsonObject usage = Deployments.usageRecordOnlyIn(server.logDir.resolve("duplex-usage.log"), generation,
                server.logDir.resolve("server.log"), server.log);
        assertEquals("gpt-test", usage.getString("requested_model"), usage.toString());
        assertEquals(3, usage.getInt("output_tokens"), usage.toString());
        assertEquals("stop", usage.getString("outcome"), usage.toString());
    }

    @Test
    void inARealBrowserThePageUnderDuplexSignsInAndStreamsAnAnswer() throws Exception {
        UPSTREAM.on("from the page on WildFly", OpenAiSse.tokens(List.of("Paged ", "through ", "Undertow."), 5));
        ChromeDriver browser = Chromium.start();
        try {
            browser.get(Deployments.base(server.url()).toString());
            if (!POSTGRESQL) {
                Chromium.signIn(browser, "root", ADMIN_PASSWORD);
            }
            assertEquals("Paged through Undertow.", Chromium.ask(browser, "from the page on WildFly"));
        } finally {
            browser.quit();
        }
    }

    @Test
    void cancelClosesTheUpstreamConnection() throws Exception {
        UPSTREAM.on("Go on forever", OpenAiSse.endless(20));
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"Go on forever\"}");
            client.next("start");
            client.next("token");
            client.send("{\"type\":\"cancel\"}");
            JsonObject end = WsClient.last(client.untilTerminal());
            assertEquals("cancelled", end.getString("finish_reason"), end.toString());
            assertTrue(UPSTREAM.last("Go on forever").awaitEnd(2000), "the upstream saw its connection closed");
            client.send("{\"type\":\"ping\"}");
            assertEquals("pong", client.next().getString("type"));
        }
    }

    @Test
    void theCliScriptsConfigurationAndTheHealthCheckAreDuplexs() throws Exception {
        JsonObject models = get("models");
        assertTrue(models.toString().contains("\"claude-sonnet\""), "duplex.cli's config source is read: " + models);
        String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.management("/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonObject database = Deployments.databaseCheck(health);
        assertEquals("UP", database.getString("status"));
        assertTrue(database.getJsonObject("data").getString("database").startsWith(POSTGRESQL ? "PostgreSQL" : "H2"),
                database.toString());
    }

    /**
     * metrics.cli's Prometheus registry serves Duplex's gauges under the names Payara's {@code /metrics} gives them,
     * beside WildFly's own, and they follow what runs.
     */
    @Test
    void duplexsGaugesAreServedInPrometheusTextByMicrometer() throws Exception {
        URI prometheus = server.management("/prometheus");
        List<String> described = HttpClient.newHttpClient().send(HttpRequest.newBuilder(prometheus).build(),
                HttpResponse.BodyHandlers.ofString()).body().lines().filter(line -> line.startsWith("# HELP "))
                .map(line -> line.split(" ")[2]).toList();
        for (String gauge : List.of("duplex_sessions_open", "duplex_generations_running", "duplex_resume_buffered_bytes",
                "duplex_generations_slots_free", "duplex_upstream_generations_running", "duplex_upstream_exchanges_open",
                "duplex_store_writes", "duplex_store_transactions", "duplex_data_file_bytes")) {
            assertTrue(described.contains(gauge), gauge + " in " + prometheus + ": " + described);
        }
        assertTrue(described.contains("buffer_pool_used_memory_bytes"), "WildFly's own metrics are there too");
        long writes = Deployments.gauge(prometheus, "duplex_store_writes");
        UPSTREAM.on("Counted", OpenAiSse.tokens(List.of("One ", "two."), 0));
        try (WsClient client = connect()) {
            client.send("{\"type\":\"message\",\"content\":\"Counted\"}");
            client.next("start");
            assertEquals(1, Deployments.gauge(prometheus, "duplex_sessions_open"));
            assertEquals("end", WsClient.last(client.untilTerminal()).getString("type"));
        }
        assertTrue(Deployments.gauge(prometheus, "duplex_store_writes") >= writes + 2, "the turn's writes counted");
        if (!POSTGRESQL) {
            assertTrue(Deployments.gauge(prometheus, "duplex_data_file_bytes") > 0, "the H2 file's size");
        }
    }

    /**
     * Behind nginx ending TLS, with the shipped site file and reverse-proxy.cli: what ReverseProxyIT checks of
     * Payara.
     */
    @Test
    void behindNginxEndingTlsTheSignInTheCookieAndTheChatAreTheBrowsersHttps() throws Exception {
        try (Nginx nginx = Nginx.start(server.url().getPort())) {
            if (POSTGRESQL) { // anonymous browsers there
                BehindNginx.assertTheAnonymousBrowsersHttpsReachesDuplex(nginx, server.url().getPath(), UPSTREAM);
            } else {
                BehindNginx.assertTheBrowsersHttpsReachesDuplex(nginx, server.url().getPath(), "root",
                        ADMIN_PASSWORD, UPSTREAM);
            }
        }
    }

    @Test
    void aBrowserThatHasNotSignedInIsRefused() throws Exception {
        if (POSTGRESQL) {
            return; // anonymous browsers there
        }
        HttpResponse<String> me = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                Deployments.base(server.url()).resolve("api/me")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, me.statusCode(), me.body());
        assertEquals("application/problem+json", me.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonObject problem = (JsonObject) Browser.parse(me.body());
        assertEquals("unauthorized", problem.getString("code"), "the sign-in's problem, not Undertow's error page");
        assertTrue(problem.getString("detail").startsWith("Sign in, or send a personal API token"), me.body());
        WsClient.refused(401, "unauthorized", () -> WsClient.connect(Deployments.chat(server.url())));
    }

    /**
     * Bad frames over Undertow's WebSocket: a binary frame gets {@code invalid_frame} and 1003, a frame over
     * {@code duplex.ws.max-frame-bytes} (65536, duplex.cli's) 1009; another connection's answer streams on.
     */
    @Test
    void aBinaryFrameClosesWith1003AndAnOversizeOneWith1009WhileAnotherAnswerStreams() throws Exception {
        List<String> tokens = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "u" + i + " ").toList();
        UPSTREAM.on("bystander on WildFly", OpenAiSse.tokens(tokens, 10));
        try (WsClient bystander = connect()) {
            bystander.send("{\"content\":\"bystander on WildFly\"}");
            bystander.next("start");
            try (WsClient binary = connect()) {
                binary.assertBinaryFrameRefused();
            }
            try (WsClient oversize = connect()) {
                oversize.send("{\"content\":\"" + "x".repeat(70_000) + "\"}");
                assertEquals(1009, oversize.awaitCloseCode());
            }
            assertEquals(String.join("", tokens), WsClient.text(bystander.untilTerminal()));
        }
    }

    /** The REST API's errors are Duplex's problems on RESTEasy too, not WildFly's own pages. */
    @Test
    void restErrorsAreDuplexsProblemsOnWildFlyToo() throws Exception {
        Deployments.assertProblem(api("PATCH", "conversations/no-such-id", "not json"), 400, "bad_request");
        Deployments.assertProblem(api("GET", "conversations/no-such-id", null), 404, "conversation_not_found");
        Deployments.assertProblem(api("GET", "conversations?limit=0", null), 400, "invalid_frame");
        Deployments.assertProblem(api("GET", "no-such-resource", null), 404, "not_found");
        Deployments.assertProblem(api("DELETE", "models", null), 405, "method_not_allowed");
    }

    private static HttpResponse<String> api(String method, String apiPath, String json) throws Exception {
        return POSTGRESQL ? browser.send(method, apiPath, json) : admin.send(method, "api/" + apiPath, json);
    }

    private static WsClient connect() {
        return POSTGRESQL ? browser.connect() : admin.connect();
    }

    private static JsonObject get(String apiPath) throws Exception {
        return POSTGRESQL ? browser.getJson(apiPath) : admin.json("api/" + apiPath);
    }
}
