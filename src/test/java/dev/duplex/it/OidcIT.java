package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code duplex.auth.mode=oidc} against an OpenID provider on loopback that speaks the real protocol: the page
 * sends the browser to the provider, the code comes back, the ID token is checked, and the user is known by the
 * provider's name (an admin when the provider's groups say so); a return Duplex did not ask for, or an ID token
 * signed with another key, signs nobody in.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();

    @RegisterExtension
    static final FakeOidcProvider PROVIDER = new FakeOidcProvider();

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.auth.mode", "oidc",
                "duplex.auth.oidc.provider-uri", PROVIDER.issuer(),
                "duplex.auth.oidc.client-id", FakeOidcProvider.CLIENT_ID,
                "duplex.auth.oidc.client-secret", FakeOidcProvider.CLIENT_SECRET,
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.api-key", "sk-oidc",
                "duplex.upstream.model", "gpt-test"));
    }

    @AfterEach
    void nothingLeftRunning() {
        PROVIDER.forge = false;
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    /**
     * First, before Duplex has read the provider's configuration: a provider that cannot answer makes the page a
     * 503 problem (it was an empty answer), and the next page load, the provider back, goes to it.
     */
    @Test
    @Order(1)
    void aProviderInAnOutageIsA503ProblemAndTheSignInRecovers() throws Exception {
        PROVIDER.down = true;
        try {
            Deployments.assertProblem(new Browser().get(""), 503, "sign_in_unavailable");
        } finally {
            PROVIDER.down = false;
        }
        HttpResponse<String> page = new Browser().get("");
        assertEquals(302, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Location").orElse("").startsWith(PROVIDER.issuer() + "/authorize?"));
    }

    @Test
    void theBrowserSignsInAtTheProviderAndIsKnownByItsName() throws Exception {
        PROVIDER.user = "olivia";
        PROVIDER.groups = List.of("staff");
        Browser olivia = signIn();
        JsonObject me = olivia.json("api/me");
        assertEquals("olivia", me.getString("username"));
        assertFalse(me.getBoolean("admin"));
        assertEquals("oidc", me.getString("mode"));
        assertEquals(403, olivia.get("api/admin/users").statusCode());

        UPSTREAM.on("through oidc", OpenAiSse.tokens(List.of("hello ", "olivia"), 0));
        try (WsClient client = olivia.connect()) {
            client.send("{\"type\":\"message\",\"content\":\"through oidc\"}");
            client.next("start");
            assertEquals("hello olivia", WsClient.text(client.untilTerminal()));
        }
        HttpResponse<String> token = olivia.post("api/tokens", "{\"label\":\"cli\"}");
        assertEquals(201, token.statusCode(), "personal tokens work for provider accounts too");

        PROVIDER.user = "oscar";
        PROVIDER.groups = List.of("staff", "duplex-admin");
        Browser oscar = signIn();
        assertTrue(oscar.json("api/me").getBoolean("admin"), "the provider's admin group makes an admin");
        assertTrue(oscar.get("api/admin/users").body().contains("\"olivia\""));
        assertEquals(0, oscar.json("api/conversations").getJsonArray("conversations").size(),
                "olivia's conversation is hers alone");
    }

    @Test
    void aReturnNotAskedForOrAForgedIdTokenSignsNobodyIn() throws Exception {
        Browser stranger = new Browser();
        HttpResponse<String> unasked = stranger.get("oidc/callback?code=made-up&state=made-up");
        assertEquals(401, unasked.statusCode());
        assertEquals(401, stranger.get("api/me").statusCode());

        Browser tampered = new Browser();
        URI provider = URI.create(tampered.get("").headers().firstValue("Location").orElseThrow());
        String back = tampered.send(provider).headers().firstValue("Location").orElseThrow();
        assertEquals(401, tampered.send(URI.create(back.replaceAll("state=[^&]+", "state=changed")))
                .statusCode(), "a state the browser was not given");

        PROVIDER.forge = true;
        Browser forged = new Browser();
        URI again = URI.create(forged.get("").headers().firstValue("Location").orElseThrow());
        URI callback = URI.create(forged.send(again).headers().firstValue("Location").orElseThrow());
        assertEquals(401, forged.send(callback).statusCode(), "an ID token signed with an unpublished key");
        assertEquals(401, forged.get("api/me").statusCode());
    }

    /**
     * A provider that names the user by more than the 64 characters an account's name holds (a long e-mail
     * address, an opaque subject): the return is a 401 problem that says why, not a database failure, and the
     * next user signs in as before.
     */
    @Test
    void aNameLongerThanAnAccountHoldsIsRefusedAndSaysWhy() throws Exception {
        PROVIDER.user = "a.very.long.name.for.one.person." + "x".repeat(20) + "@departments.example.com";
        Browser longName = new Browser();
        URI authorize = URI.create(longName.get("").headers().firstValue("Location").orElseThrow());
        URI callback = URI.create(longName.send(authorize).headers().firstValue("Location").orElseThrow());
        HttpResponse<String> back = longName.send(callback);
        Deployments.assertProblem(back, 401, "unauthorized");
        assertTrue(back.body().contains("longer than 64 characters"), back.body());
        assertTrue(back.body().contains("duplex.auth.oidc.username-claim"), "what the administrator can change");
        assertEquals(401, longName.get("api/me").statusCode());

        PROVIDER.user = "quentin";
        assertEquals("quentin", signIn().json("api/me").getString("username"));
    }

    @Test
    void signingOutOfDuplexSignsOutOfTheProviderToo() throws Exception {
        PROVIDER.user = "petra";
        Browser petra = signIn();
        String idToken = PROVIDER.lastIdToken;
        HttpResponse<String> out = petra.post("logout", "");
        assertEquals(303, out.statusCode(), out.body());
        URI endSession = URI.create(out.headers().firstValue("Location").orElseThrow());
        assertTrue(endSession.toString().startsWith(PROVIDER.issuer() + "/logout?"), endSession.toString());
        assertEquals(401, petra.get("api/me").statusCode(), "signed out of Duplex at once");

        int before = PROVIDER.logouts.size();
        HttpResponse<String> atProvider = petra.send(endSession);
        assertEquals(302, atProvider.statusCode());
        Map<String, String> logout = PROVIDER.logouts.get(before);
        assertEquals(idToken, logout.get("id_token_hint"), "the ID token petra signed in with");
        assertEquals(FakeOidcProvider.CLIENT_ID, logout.get("client_id"));
        assertEquals(Deployments.base(deployed).toString(), logout.get("post_logout_redirect_uri"));
        URI back = URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        assertTrue(petra.send(back).headers().firstValue("Location").orElse("")
                .startsWith(PROVIDER.issuer() + "/authorize?"), "back at Duplex, the browser must sign in again");
    }

    /** A browser that went to the provider and came back signed in, following every redirect by hand. */
    private Browser signIn() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get("");
        assertEquals(302, page.statusCode());
        URI authorize = URI.create(page.headers().firstValue("Location").orElseThrow());
        assertTrue(authorize.toString().startsWith(PROVIDER.issuer() + "/authorize?"), authorize.toString());
        assertTrue(authorize.getQuery().contains("code_challenge_method=S256"), "PKCE");
        HttpResponse<String> atProvider = browser.send(authorize);
        assertEquals(302, atProvider.statusCode());
        URI callback = URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> back = browser.send(callback);
        assertEquals(303, back.statusCode(), back.body());
        assertEquals(200, browser.get("").statusCode(), "the page, signed in");
        return browser;
    }

    /** Cookies kept, redirects not followed. */
    private final class Browser {

        private final CookieManager cookies = new CookieManager();
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();

        HttpResponse<String> get(String path) throws Exception {
            return send(Deployments.base(deployed).resolve(path));
        }

        HttpResponse<String> send(URI uri) throws Exception {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String json) throws Exception {
            return http.send(HttpRequest.newBuilder(Deployments.base(deployed).resolve(path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonObject json(String path) throws Exception {
            HttpResponse<String> response = get(path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            return (JsonObject) dev.duplex.it.Browser.parse(response.body());
        }

        WsClient connect() {
            URI base = Deployments.base(deployed);
            String cookie = String.join("; ", cookies.getCookieStore().get(base).stream()
                    .map(c -> c.getName() + "=" + c.getValue()).toList());
            return WsClient.connectWith(Deployments.chat(deployed), "Cookie", cookie);
        }
    }
}
