package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A browser that posted the sign-in form: its cookies, and where the form sent it. */
final class SignedIn {

    final HttpClient http;
    final URL deployed;
    final URI base;
    final String location;
    final String setCookie;
    private final CookieManager cookies;

    private SignedIn(HttpClient http, CookieManager cookies, URL deployed, String location, String setCookie) {
        this.http = http;
        this.cookies = cookies;
        this.deployed = deployed;
        this.base = Deployments.base(deployed);
        this.location = location;
        this.setCookie = setCookie;
    }

    static SignedIn attempt(URL deployed, String username, String password) throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
        HttpResponse<String> response = postForm(http, Deployments.base(deployed), username, password);
        return new SignedIn(http, cookies, deployed, response.headers().firstValue("Location").orElse(""),
                String.join("; ", response.headers().allValues("Set-Cookie")));
    }

    /** The sign-in form posted to {@code base}'s {@code login} with {@code http}; it must answer 303. */
    static HttpResponse<String> postForm(HttpClient http, URI base, String username, String password)
            throws Exception {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, response.statusCode(), response.body());
        return response;
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body, "application/x-www-form-urlencoded");
    }

    HttpResponse<String> post(String path, String body, String type) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonObject json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return (JsonObject) Browser.parse(response.body());
    }

    /** A WebSocket with this browser's cookies (the session), as the page's would have. */
    WsClient connect() {
        String cookie = String.join("; ", cookies.getCookieStore().get(base).stream()
                .map(c -> c.getName() + "=" + c.getValue()).toList());
        return WsClient.connectWith(Deployments.chat(deployed), "Cookie", cookie);
    }
}
