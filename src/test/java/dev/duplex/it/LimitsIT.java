package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
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
 * What protects the server and the provider budget: the WebSocket handshake's Origin check, the security headers
 * of every response, and the limits (message length, connections per browser, messages per minute, generations
 * at once), each refused with its own code while the connection and everything accepted carry on.
 */
@ExtendWith(ArquillianExtension.class)
class LimitsIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.model", "gpt-test",
                "duplex.limits.max-message-chars", "20",
                "duplex.limits.max-connections-per-user", "2",
                "duplex.limits.messages-per-minute", "3",
                "duplex.limits.max-concurrent-generations", "1",
                "duplex.ws.ping-interval-ms", "300"));
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    @Test
    void aHandshakeFromAnotherSitesPageIsRefusedBeforeTheUpgrade() throws Exception {
        String own = "http://localhost:" + deployed.getPort();
        WsClient.refused(403, "origin_not_allowed", () -> handshake("https://evil.example"));
        handshake(own).sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        handshake(null).sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void everyResponseCarriesAStrictContentSecurityPolicy() throws Exception {
        for (String path : List.of("", "app.js", "api/models", "api/conversations/none")) {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    Deployments.base(deployed).resolve(path)).build(), HttpResponse.BodyHandlers.discarding());
            String policy = response.headers().firstValue("content-security-policy").orElse("");
            assertTrue(policy.startsWith("default-src 'self'; script-src 'self';"), path + ": " + policy);
            assertTrue(policy.contains("frame-ancestors 'none'"), policy);
            assertFalse(policy.contains("unsafe"), policy);
            assertEquals("nosniff", response.headers().firstValue("x-content-type-options").orElse(""), path);
        }
    }

    @Test
    void aMessageOverTheLengthLimitIsRefusedAndTheConnectionCarriesOn() throws Exception {
        UPSTREAM.on("short", OpenAiSse.tokens(List.of("ok"), 0));
        try (WsClient client = new Browser(deployed).connect()) {
            client.send("{\"content\":\"" + "ก".repeat(21) + "\"}");
            JsonObject error = client.next("error");
            assertEquals("message_too_long", error.getString("code"));
            client.send("{\"content\":\"short " + "ก".repeat(14) + "\"}");
            client.next("start");
            assertEquals("ok", WsClient.text(client.untilTerminal()));
        }
    }

    @Test
    void aBrowserMayOpenOnlySoManyConnections() throws Exception {
        Browser browser = new Browser(deployed);
        try (WsClient first = browser.connect(); WsClient second = browser.connect()) {
            try (WsClient third = browser.connect()) {
                assertEquals("too_many_connections", third.next("error").getString("code"));
                assertEquals(1008, third.awaitCloseCode());
            }
            first.send("{\"type\":\"ping\"}");
            first.next("pong");
            try (WsClient other = new Browser(deployed).connect()) {
                other.send("{\"type\":\"ping\"}");
                other.next("pong");
            }
        }
        try (WsClient again = browser.connect()) {
            again.send("{\"type\":\"ping\"}");
            again.next("pong");
        }
    }

    @Test
    void messagesBeyondThePerMinuteRateAreRefusedWithWhenToRetry() throws Exception {
        UPSTREAM.on("rate", OpenAiSse.tokens(List.of("ok"), 0));
        try (WsClient client = new Browser(deployed).connect()) {
            for (int i = 0; i < 3; i++) {
                client.send("{\"content\":\"rate " + i + "\"}");
                client.next("start");
                client.untilTerminal();
            }
            client.send("{\"content\":\"rate 4\"}");
            JsonObject error = client.next("error");
            assertEquals("rate_limited", error.getString("code"));
            long retryAfter = error.getJsonNumber("retry_after_ms").longValue();
            assertTrue(retryAfter > 1_000 && retryAfter <= 20_000, "a third of a minute at most: " + retryAfter);
        }
        try (WsClient other = new Browser(deployed).connect()) {
            other.send("{\"content\":\"rate other\"}");
            other.next("start");
            other.untilTerminal();
        }
    }

    @Test
    void theServerRunsOnlySoManyGenerationsAtOnce() throws Exception {
        UPSTREAM.on("long", OpenAiSse.endless(20));
        UPSTREAM.on("next", OpenAiSse.tokens(List.of("ok"), 0));
        try (WsClient busy = new Browser(deployed).connect(); WsClient waiting = new Browser(deployed).connect()) {
            busy.send("{\"content\":\"long answer\"}");
            busy.next("start");
            busy.next("token");
            waiting.send("{\"content\":\"next please\"}");
            JsonObject error = waiting.next("error");
            assertEquals("overloaded", error.getString("code"));
            assertTrue(error.containsKey("retry_after_ms"));

            busy.send("{\"type\":\"cancel\"}");
            busy.untilTerminal();
            waiting.send("{\"content\":\"next please\"}");
            waiting.next("start");
            assertEquals("ok", WsClient.text(waiting.untilTerminal()));
        }
    }

    @Test
    void aLiveClientIsPingedAndStaysConnected() throws Exception {
        java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(Deployments.chat(deployed),
                new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onPing(WebSocket webSocket,
                                                                          java.nio.ByteBuffer message) {
                        pings.incrementAndGet();
                        return WebSocket.Listener.super.onPing(webSocket, message); // the JDK answers the pong
                    }
                }).join();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> pings.get() >= 5);
        assertFalse(socket.isInputClosed(), "answering pings keeps the connection");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsClosedWith1001() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(Deployments.chat(deployed))) {
            // read frames, answering nothing: pings (0x9) arrive, then a close (0x8) with 1001
            int pings = 0;
            while (true) {
                RawWebSocket.Frame frame = raw.next();
                if (frame.opcode() == 0x9) {
                    pings++;
                } else if (frame.opcode() == 0x8) {
                    assertEquals(1001, frame.closeCode());
                    break;
                }
            }
            assertTrue(pings >= 1, "pinged before being closed");
        }
    }

    private WebSocket handshake(String origin) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return builder.buildAsync(Deployments.chat(deployed), new WebSocket.Listener() { }).join();
    }
}
