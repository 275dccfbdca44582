package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * What a browser on nginx's https gets from Duplex behind it, whichever server runs Duplex: the sign-in redirect on
 * the browser's https, a session (or, anonymous, identity) cookie sent back over https only, an answer over
 * {@code wss://}, and another site's page refused by the Host nginx passed on.
 */
final class BehindNginx {

    private BehindNginx() {
    }

    /**
     * Signs in with the form through {@code nginx} to Duplex at {@code contextPath} (ending in /) and chats; the
     * session's id.
     */
    static String assertTheBrowsersHttpsReachesDuplex(Nginx nginx, String contextPath, String username, String password,
            FakeUpstream upstream) throws Exception {
        URI site = URI.create("https://localhost:" + nginx.port + contextPath);
        CookieManager cookies = new CookieManager();
        HttpClient browser = nginx.client(cookies);

        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(site).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, page.statusCode());
        assertEquals(site.resolve("login.html"), site.resolve(page.headers().firstValue("Location").orElse("")),
                "the sign-in page, on the browser's https");
        assertEquals(200, browser.send(HttpRequest.newBuilder(site.resolve("login.html")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());

        HttpResponse<String> login = SignedIn.postForm(browser, site, username, password);
        List<String> setCookie = login.headers().allValues("Set-Cookie");
        assertTrue(setCookie.stream().flatMap(header -> HttpCookie.parse(header).stream())
                        .anyMatch(cookie -> cookie.getName().equals("JSESSIONID") && cookie.getSecure()),
                "the session cookie is sent back over https only: " + setCookie);
        assertEquals(200, browser.send(HttpRequest.newBuilder(site.resolve("api/models")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "signed in");

        String session = cookies.getCookieStore().get(site).stream()
                .filter(cookie -> cookie.getName().equals("JSESSIONID")).findFirst().orElseThrow().getValue();
        chatOverWss(nginx, contextPath, "JSESSIONID=" + session, upstream);
        return session;
    }

    /**
     * In anonymous mode: the page on nginx's https gives the browser its identity cookie, sent back over https only,
     * and the chat over {@code wss://} carries it.
     */
    static void assertTheAnonymousBrowsersHttpsReachesDuplex(Nginx nginx, String contextPath, FakeUpstream upstream)
            throws Exception {
        URI site = URI.create("https://localhost:" + nginx.port + contextPath);
        HttpResponse<Void> page = nginx.client(null).send(HttpRequest.newBuilder(site).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, page.statusCode());
        HttpCookie identity = page.headers().allValues("Set-Cookie").stream()
                .flatMap(header -> HttpCookie.parse(header).stream())
                .filter(cookie -> cookie.getName().equals("duplex_id")).findFirst()
                .orElseThrow(() -> new AssertionError("no identity cookie: " + page.headers()));
        assertTrue(identity.getSecure(), "the identity cookie is sent back over https only: " + identity);
        chatOverWss(nginx, contextPath, "duplex_id=" + identity.getValue(), upstream);
    }

    /** An answer over wss:// with {@code cookie}; another site's page refused by the Host nginx passed on. */
    private static void chatOverWss(Nginx nginx, String contextPath, String cookie, FakeUpstream upstream)
            throws Exception {
        URI chat = URI.create("wss://localhost:" + nginx.port + contextPath + "ws/chat");
        HttpClient sockets = nginx.client(null);
        upstream.on("Through the proxy", OpenAiSse.tokens(List.of("Relayed ", "over ", "TLS."), 20));
        try (WsClient client = WsClient.connectWith(sockets, chat, Map.of("Cookie", cookie,
                "Origin", "https://localhost:" + nginx.port))) {
            client.send("{\"content\":\"Through the proxy\"}");
            client.next("start");
            assertEquals("Relayed over TLS.", WsClient.text(client.untilTerminal()));
        }
        WsClient.refused(403, "origin_not_allowed", () -> WsClient.connectWith(
                sockets, chat, Map.of("Cookie", cookie, "Origin", "https://elsewhere.example")));
    }
}
