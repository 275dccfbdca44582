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
 * the browser's https, a session cookie sent back over https only, an answer over {@code wss://}, and another
 * site's page refused by the Host nginx passed on.
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
        URI chat = URI.create("wss://localhost:" + nginx.port + contextPath + "ws/chat");
        HttpClient sockets = nginx.client(null);
        upstream.on("Through the proxy", OpenAiSse.tokens(List.of("Relayed ", "over ", "TLS."), 20));
        try (WsClient client = WsClient.connectWith(sockets, chat, Map.of("Cookie", "JSESSIONID=" + session,
                "Origin", "https://localhost:" + nginx.port))) {
            client.send("{\"content\":\"Through the proxy\"}");
            client.next("start");
            assertEquals("Relayed over TLS.", WsClient.text(client.untilTerminal()));
        }
        // another site's page, refused by the Host nginx passed on
        WsClient.refused(403, "origin_not_allowed", () -> WsClient.connectWith(
                sockets, chat, Map.of("Cookie", "JSESSIONID=" + session, "Origin", "https://elsewhere.example")));
        return session;
    }
}
