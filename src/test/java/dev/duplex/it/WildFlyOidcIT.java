package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Duplex on WildFly signing users in with OpenID Connect, behind nginx ending TLS: WildFly set up with
 * {@code duplex.cli}, {@code metrics.cli} and {@code reverse-proxy.cli}, the shipped nginx site in front. A browser
 * that only ever speaks https to nginx (and to the provider) is sent to the provider with Duplex's https callback,
 * comes back signed in under the provider's name with a Secure session cookie, chats over {@code wss://}, and signs
 * out of both. WildFlyIT covers the form sign-in; OidcIT the protocol's refusals on Payara.
 */
class WildFlyOidcIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();

    @RegisterExtension
    static final FakeOidcProvider PROVIDER = new FakeOidcProvider();

    @Test
    void behindNginxTheBrowserSignsInAtTheProviderChatsAndSignsOut() throws Exception {
        try (WildFlyProcess server = WildFlyProcess.start("wildfly-oidc", Map.of(
                "duplex.data-dir", Deployments.dataDir().toString(),
                "duplex.auth.mode", "oidc",
                "duplex.auth.oidc.provider-uri", PROVIDER.issuer(),
                "duplex.auth.oidc.client-id", FakeOidcProvider.CLIENT_ID,
                "duplex.auth.oidc.client-secret", FakeOidcProvider.CLIENT_SECRET,
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.model", "gpt-test"))) {
            for (String script : List.of("duplex.cli", "metrics.cli", "reverse-proxy.cli")) {
                server.cli(Path.of("server-config/wildfly", script), Path.of("."));
            }
            server.deployDuplex();
            try (Nginx nginx = Nginx.start(server.url().getPort())) {
                signInChatAndSignOut(nginx, server.url().getPath());
            }
            Deployments.assertNothingLeftRunning(server.management("/prometheus"), UPSTREAM);
            assertEquals(0, server.stop(), "WildFly's exit status after SIGTERM");
            assertFalse(server.logText().lines().anyMatch(line -> line.contains("ERROR")),
                    "no error in WildFly's log: " + server.log);
        }
    }

    private static void signInChatAndSignOut(Nginx nginx, String contextPath) throws Exception {
        URI site = URI.create("https://localhost:" + nginx.port + contextPath);
        CookieManager cookies = new CookieManager();
        HttpClient browser = nginx.client(cookies);
        PROVIDER.user = "wendy";

        HttpResponse<String> page = get(browser, site);
        assertEquals(302, page.statusCode(), page.body());
        URI authorize = location(page);
        assertTrue(authorize.toString().startsWith(PROVIDER.issuer() + "/authorize?"), authorize.toString());
        assertEquals(site.resolve("oidc/callback").toString(), parameter(authorize, "redirect_uri"),
                "the provider is told to come back to the browser's https");
        URI callback = location(get(browser, authorize));
        assertEquals(site.resolve("oidc/callback").getAuthority(), callback.getAuthority());
        HttpResponse<String> back = get(browser, callback);
        assertEquals(303, back.statusCode(), back.body());
        assertTrue(back.headers().allValues("Set-Cookie").stream().flatMap(header -> HttpCookie.parse(header).stream())
                        .anyMatch(cookie -> cookie.getName().equals("JSESSIONID") && cookie.getSecure()),
                "the session cookie is sent back over https only: " + back.headers().allValues("Set-Cookie"));
        assertEquals(200, get(browser, site).statusCode(), "the page, signed in");
        HttpResponse<String> me = get(browser, site.resolve("api/me"));
        assertEquals("wendy", ((JsonObject) Browser.parse(me.body())).getString("username"), me.body());

        String session = cookies.getCookieStore().get(site).stream()
                .filter(cookie -> cookie.getName().equals("JSESSIONID")).findFirst().orElseThrow().getValue();
        UPSTREAM.on("Signed in at the provider", OpenAiSse.tokens(List.of("Hello ", "Wendy."), 10));
        try (WsClient client = WsClient.connectWith(nginx.client(null),
                URI.create("wss://localhost:" + nginx.port + contextPath + "ws/chat"),
                Map.of("Cookie", "JSESSIONID=" + session, "Origin", "https://localhost:" + nginx.port))) {
            client.send("{\"content\":\"Signed in at the provider\"}");
            client.next("start");
            assertEquals("Hello Wendy.", WsClient.text(client.untilTerminal()));
        }

        HttpResponse<String> out = browser.send(HttpRequest.newBuilder(site.resolve("logout"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, out.statusCode(), out.body());
        URI endSession = location(out);
        assertTrue(endSession.toString().startsWith(PROVIDER.issuer() + "/logout?"), endSession.toString());
        assertEquals(site.toString(), parameter(endSession, "post_logout_redirect_uri"), "back to the https page");
        assertEquals(401, get(browser, site.resolve("api/me")).statusCode(), "signed out of Duplex at once");
    }

    private static HttpResponse<String> get(HttpClient browser, URI uri) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI location(HttpResponse<String> response) {
        return URI.create(response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError(response.statusCode() + " without a Location")));
    }

    private static String parameter(URI uri, String name) {
        return Arrays.stream(uri.getRawQuery().split("&")).filter(pair -> pair.startsWith(name + "="))
                .map(pair -> URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in " + uri));
    }
}
