package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Duplex at the server's root context with accounts on, as the README's command runs it. Payara then registers its
 * own Health, Metrics and OpenAPI servlets in Duplex's web module, so Duplex's sign-in must leave them to their own
 * rules, as at any other root (a load balancer's probe has no session), and must judge every other path as the
 * container maps it.
 */
class RootContextIT extends WithServerProcess {

    private static final String PASSWORD = "root-context-password-1";

    @Test
    void theServersOwnEndpointsAnswerWithoutASignInAndNothingElseDoes() throws Exception {
        server = PayaraProcess.start(PayaraProcess.freePort(), "root-context", Map.of(
                "duplex.auth.mode", "form",
                "duplex.auth.bootstrap-password", PASSWORD,
                "duplex.data-dir", dataDir.toString()));
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> ready = get(http, "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("UP", Deployments.databaseCheck(ready.body()).getString("status"));
        assertEquals(200, get(http, "/health/live").statusCode());
        assertEquals(200, get(http, "/health").statusCode());
        HttpResponse<String> metrics = get(http, "/metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("duplex_sessions_open"), metrics.body());
        HttpResponse<String> openapi = get(http, "/openapi");
        assertEquals(200, openapi.statusCode(), openapi.body());
        assertTrue(openapi.body().contains("/api/conversations"), openapi.body());

        HttpResponse<String> page = get(http, "/");
        assertEquals(302, page.statusCode());
        assertEquals("/login.html", page.headers().firstValue("Location").orElse(""));
        assertEquals(302, get(http, "/healthz").statusCode(), "only the endpoints themselves are the server's");
        assertEquals(401, get(http, "/api/models").statusCode());
        // the raw URI's dot segments: judged as the path the container maps them to
        assertEquals(401, get(http, "/demo/../api/models").statusCode());
        assertEquals(401, get(http, "/health/../api/models").statusCode());
        assertEquals(401, get(http, "/login.html/../api/me").statusCode());

        SignedIn admin = SignedIn.attempt(server.url(), "admin", PASSWORD);
        assertEquals(200, admin.get("api/models").statusCode());
        assertEquals(200, admin.get("health/ready").statusCode(), "a session changes nothing for them");
    }

    private HttpResponse<String> get(HttpClient http, String rawPath) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port + rawPath)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
