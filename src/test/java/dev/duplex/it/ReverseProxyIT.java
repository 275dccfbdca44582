package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Duplex behind nginx ending TLS, as docs/operations.md sets it up: {@code server-config/nginx/duplex.conf} in
 * front of Payara Micro started with {@code server-config/payara/reverse-proxy.asadmin}. The browser's https must
 * reach everything Duplex makes of the request: the sign-in redirect, the session cookie's Secure flag, the
 * WebSocket's Origin check.
 */
class ReverseProxyIT extends WithServerProcess {

    private static final String PASSWORD = "reverse-proxy-password-1";

    @RegisterExtension
    static final FakeOidcProvider PROVIDER = new FakeOidcProvider();

    @Test
    void behindNginxEndingTlsTheSignInTheCookieAndTheChatAreTheBrowsersHttps() throws Exception {
        startPayara(Map.of("duplex.auth.mode", "form", "duplex.auth.bootstrap-password", PASSWORD));
        try (Nginx nginx = Nginx.start(server.port)) {
            String session = BehindNginx.assertTheBrowsersHttpsReachesDuplex(nginx, "/", "admin", PASSWORD, upstream);
            theRefusedOriginIsLoggedOnceAMinute(nginx, session);
            theRealPageSignsInAndStreamsOverHttps(nginx);
            assertEquals(200, nginx.client(null).send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + nginx.port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "the server's own endpoints too");
        }
        Deployments.assertNothingLeftRunning(Deployments.metrics(server.url()), upstream);
    }

    /**
     * The likeliest mistake in a proxy's set-up: nginx passing on {@code $host}, which drops the browser's port, where
     * the shipped site has {@code $http_host}. The page loads and signs in, but every handshake is refused; the page
     * says that the server answers and refuses its live connection, and the server's log names the Host it got.
     */
    @Test
    void behindAProxyThatDropsThePortThePageAndTheLogSayWhyTheChatCannotConnect() throws Exception {
        startPayara(Map.of("duplex.auth.mode", "form", "duplex.auth.bootstrap-password", PASSWORD));
        try (Nginx nginx = Nginx.start(server.port,
                Map.of("proxy_set_header Host $http_host;", "proxy_set_header Host $host;"))) {
            ChromeDriver browser = Chromium.start("--ignore-certificate-errors");
            try {
                browser.get("https://localhost:" + nginx.port + "/");
                Chromium.signIn(browser, "admin", PASSWORD);
                WebElement refused = browser.findElement(By.id("connection-refused"));
                await().atMost(Duration.ofSeconds(30)).until(refused::isDisplayed);
                assertTrue(refused.getText().startsWith("This server answers, but refuses the live connection"),
                        refused.getText());
                assertFalse("open".equals(browser.findElement(By.id("connection-text")).getAttribute("data-state")));
            } finally {
                browser.quit();
            }
        }
        String log = server.logText();
        assertTrue(log.contains("Refused a chat WebSocket handshake from a page at \"https://localhost:"), log);
        assertTrue(log.contains("this request's Host is \"localhost\""), "the Host without the port: " + log);
        Deployments.assertNothingLeftRunning(Deployments.metrics(server.url()), upstream);
    }

    @Test
    void behindNginxEndingTlsTheOpenIdProviderIsToldToReturnOverHttps() throws Exception {
        startPayara(Map.of(
                "duplex.auth.mode", "oidc",
                "duplex.auth.oidc.provider-uri", PROVIDER.issuer(),
                "duplex.auth.oidc.client-id", FakeOidcProvider.CLIENT_ID,
                "duplex.auth.oidc.client-secret", FakeOidcProvider.CLIENT_SECRET));
        try (Nginx nginx = Nginx.start(server.port)) {
            HttpResponse<String> page = nginx.client(null).send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + nginx.port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, page.statusCode());
            URI atProvider = URI.create(page.headers().firstValue("Location").orElse(""));
            assertTrue(atProvider.toString().startsWith(PROVIDER.issuer()), atProvider.toString());
            String redirectUri = Arrays.stream(atProvider.getRawQuery().split("&"))
                    .filter(parameter -> parameter.startsWith("redirect_uri="))
                    .map(parameter -> URLDecoder.decode(parameter.substring(13), StandardCharsets.UTF_8))
                    .findFirst().orElseThrow(() -> new AssertionError(atProvider.toString()));
            assertEquals("https://localhost:" + nginx.port + "/oidc/callback", redirectUri);
        }
    }

    /**
     * The handshake BehindNginx had refused is in the server's log with what the operator needs (the page's origin,
     * the Host the proxy passed on, the nginx line); another one within the minute is counted, not logged.
     */
    private void theRefusedOriginIsLoggedOnceAMinute(Nginx nginx, String session) throws Exception {
        String warning = "Refused a chat WebSocket handshake from a page at \"https://elsewhere.example\": this"
                + " request's Host is \"localhost:" + nginx.port + "\"";
        WsClient.refused(403, "origin_not_allowed", () -> WsClient.connectWith(nginx.client(null),
                URI.create("wss://localhost:" + nginx.port + "/ws/chat"),
                Map.of("Cookie", "JSESSIONID=" + session, "Origin", "https://elsewhere.example")));
        String log = server.logText();
        assertEquals(1, log.split(Pattern.quote(warning), -1).length - 1, log);
        assertTrue(log.contains("proxy_set_header Host $http_host"), "how to fix it");
    }

    /**
     * Chromium on nginx's https (its certificate, made for the test, accepted): the sign-in page, the Secure
     * session cookie a browser keeps only over https, the page's Content-Security-Policy allowing its wss://
     * connection, and an answer streamed into the page.
     */
    private void theRealPageSignsInAndStreamsOverHttps(Nginx nginx) throws Exception {
        upstream.on("From the page through the proxy", OpenAiSse.tokens(List.of("Paged ", "over ", "wss."), 5));
        ChromeDriver browser = Chromium.start("--ignore-certificate-errors");
        try {
            browser.get("https://localhost:" + nginx.port + "/");
            Chromium.signIn(browser, "admin", PASSWORD);
            assertEquals("Paged over wss.", Chromium.ask(browser, "From the page through the proxy"));
            assertTrue(browser.manage().getCookieNamed("JSESSIONID").isSecure());
            assertEquals("https://localhost:" + nginx.port + "/", browser.getCurrentUrl().replaceAll("#.*", ""));
        } finally {
            browser.quit();
        }
    }

    /** Payara Micro with {@code auth}, as docs/operations.md starts it behind a proxy. */
    private void startPayara(Map<String, String> auth) throws IOException {
        Map<String, String> settings = new HashMap<>(auth);
        settings.put("duplex.data-dir", dataDir.toString());
        settings.put("duplex.upstream.base-url", upstream.baseUrl());
        settings.put("duplex.upstream.model", "gpt-test");
        server = PayaraProcess.start(PayaraProcess.freePort(), "reverse-proxy", settings, "--prebootcommandfile",
                Path.of("server-config", "payara", "reverse-proxy.asadmin").toAbsolutePath().toString());
    }
}
