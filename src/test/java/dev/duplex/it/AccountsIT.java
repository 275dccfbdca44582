package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Accounts ({@code duplex.auth.mode=form}, the default): nothing but the sign-in page without signing in; the
 * form, the session and its cookie; admins manage accounts; personal API tokens on REST and on the WebSocket
 * handshake; and no user reads, continues, resumes, cancels, exports or deletes another's conversation.
 */
@ExtendWith(ArquillianExtension.class)
class AccountsIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();
    static final String ADMIN_PASSWORD = "correct-horse-battery";
    /** Above what the other tests use for root in a minute, so only the guessing test meets it. */
    static final int SIGN_INS_PER_MINUTE = 15;

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.auth.mode", "form",
                "duplex.auth.bootstrap-admin", "root",
                "duplex.auth.bootstrap-password", ADMIN_PASSWORD,
                "duplex.limits.sign-ins-per-minute", String.valueOf(SIGN_INS_PER_MINUTE),
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.api-key", "sk-accounts",
                "duplex.upstream.model", "gpt-test"));
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    @Test
    void withoutSigningInOnlyTheSignInPageIsThere() throws Exception {
        HttpClient anonymous = HttpClient.newHttpClient();
        HttpResponse<String> page = anonymous.send(get("").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, page.statusCode());
        assertTrue(page.headers().firstValue("Location").orElse("").endsWith("/login.html"));

        HttpResponse<String> api = anonymous.send(get("api/conversations").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, api.statusCode());
        assertEquals("unauthorized", ((JsonObject) Browser.parse(api.body())).getString("code"));
        assertEquals(401, anonymous.send(get("api/models").build(), HttpResponse.BodyHandlers.discarding()).statusCode());

        WsClient.refused(401, "unauthorized", () -> WsClient.connect(chat()));

        HttpResponse<String> login = anonymous.send(get("login.html").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode());
        assertTrue(login.body().contains("action=\"login\""));
        assertTrue(login.headers().firstValue("Content-Security-Policy").isPresent());
        assertEquals(200, anonymous.send(get("api/info").build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void theSignInFormStartsASessionWithASafeCookie() throws Exception {
        SignedIn wrong = SignedIn.attempt(deployed, "root", "not-the-password");
        assertTrue(wrong.location.endsWith("/login.html?failed"), wrong.location);
        assertEquals(401, wrong.get("api/me").statusCode());
        SignedIn unknown = SignedIn.attempt(deployed, "nobody", ADMIN_PASSWORD);
        assertTrue(unknown.location.endsWith("/login.html?failed"));

        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        assertTrue(root.location.endsWith("/"), root.location);
        String setCookie = root.setCookie.toLowerCase();
        assertTrue(setCookie.contains("httponly") && setCookie.contains("samesite=lax"), root.setCookie);
        JsonObject me = root.json("api/me");
        assertEquals("root", me.getString("username"));
        assertTrue(me.getBoolean("admin"));
        assertEquals(200, root.get("").statusCode(), "the page itself once signed in");

        HttpResponse<String> out = root.post("logout", "");
        assertEquals(303, out.statusCode());
        assertEquals(401, root.get("api/me").statusCode(), "signed out");
    }

    @Test
    void usersAreKeptApartOnEveryEndpointAndFrame() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        createUser(root, "alice");
        createUser(root, "bob");
        SignedIn alice = SignedIn.attempt(deployed, "alice", "alice-password-1");
        SignedIn bob = SignedIn.attempt(deployed, "bob", "bob-password-1");
        assertEquals(403, bob.get("api/admin/users").statusCode(), "only admins manage accounts");
        assertEquals(403, bob.get("api/usage").statusCode(), "usage covers every user: admins only");
        assertEquals(200, root.get("api/usage").statusCode());

        UPSTREAM.on("alice-secret", OpenAiSse.endless(20));
        try (WsClient mine = alice.connect(); WsClient theirs = bob.connect()) {
            mine.send("{\"type\":\"message\",\"content\":\"alice-secret plans\"}");
            JsonObject start = mine.next("start");
            String conversation = start.getString("conversation_id");
            String generation = start.getString("id");
            mine.next("token");

            assertEquals(0, bob.json("api/conversations").getJsonArray("conversations").size());
            for (String path : List.of("api/conversations/" + conversation,
                    "api/conversations/" + conversation + "/export?format=md")) {
                assertEquals(404, bob.get(path).statusCode(), path);
            }
            assertEquals(404, bob.send("PATCH", "api/conversations/" + conversation, "{\"title\":\"mine\"}")
                    .statusCode());
            assertEquals(404, bob.send("DELETE", "api/conversations/" + conversation, null).statusCode());

            theirs.send("{\"type\":\"message\",\"content\":\"continue\",\"conversation_id\":\"" + conversation + "\"}");
            assertEquals("conversation_not_found", theirs.next("error").getString("code"));
            theirs.send("{\"type\":\"regenerate\",\"conversation_id\":\"" + conversation + "\"}");
            assertEquals("conversation_not_found", theirs.next("error").getString("code"));
            theirs.send("{\"type\":\"resume\",\"id\":\"" + generation + "\",\"after_seq\":0}");
            assertEquals("generation_not_found", theirs.next("error").getString("code"));
            theirs.send("{\"type\":\"cancel\",\"id\":\"" + generation + "\"}");
            assertEquals("generation_not_found", theirs.next("error").getString("code"));
            assertNull(theirs.poll(300));

            mine.send("{\"type\":\"cancel\"}");
            assertEquals("cancelled", WsClient.last(mine.untilTerminal()).getString("finish_reason"));
            JsonObject stored = alice.json("api/conversations/" + conversation);
            assertEquals("alice-secret plans", stored.getJsonArray("messages").getJsonObject(0).getString("content"));
        }
    }

    @Test
    void personalTokensWorkOnTheApiAndTheWebSocketUntilRevoked() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        createUser(root, "carol");
        HttpClient script = HttpClient.newHttpClient();
        String basic = "Basic " + Base64.getEncoder().encodeToString("carol:carol-password-1"
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> issued = script.send(post("api/tokens", "{\"label\":\"laptop\"}")
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, issued.statusCode(), issued.body());
        JsonObject token = (JsonObject) Browser.parse(issued.body());
        String value = token.getString("token");
        assertTrue(value.startsWith("dpx_") && value.length() > 40, value);
        assertEquals("laptop", token.getString("label"));

        String wrongBasic = "Basic " + Base64.getEncoder().encodeToString("carol:wrong".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, script.send(post("api/tokens", "{}").header("Authorization", wrongBasic).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(401, script.send(get("api/conversations").header("Authorization", basic).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "a password is only for making a token");

        UPSTREAM.on("by-token", OpenAiSse.tokens(List.of("ok"), 0));
        String conversation;
        try (WsClient client = WsClient.connectWith(chat(), "Authorization", "Bearer " + value)) {
            client.send("{\"type\":\"message\",\"content\":\"by-token\"}");
            conversation = client.next("start").getString("conversation_id");
            assertEquals("end", WsClient.last(client.untilTerminal()).getString("type"));
        }
        HttpResponse<String> listed = script.send(get("api/conversations").header("Authorization", "Bearer " + value)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode());
        assertTrue(listed.body().contains(conversation), "the token is carol: she sees what it wrote");
        HttpResponse<String> tokens = script.send(get("api/tokens").header("Authorization", "Bearer " + value).build(),
                HttpResponse.BodyHandlers.ofString());
        assertFalse(tokens.body().contains(value), "a token's value is shown once, never listed");

        assertEquals(204, script.send(HttpRequest.newBuilder(base().resolve("api/tokens/" + token.getString("id")))
                .header("Authorization", "Bearer " + value).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(401, script.send(get("api/conversations").header("Authorization", "Bearer " + value).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "revoked");
        WsClient.refused(401, "unauthorized",
                () -> WsClient.connectWith(chat(), "Authorization", "Bearer " + value));
    }

    /**
     * What the accounts' API cannot take is a 400 that says what to send, and makes nothing. It was an ordinary user
     * for {@code "admin":"yes"}, a 503 "try again" for a token label longer than the table keeps, and a 404 for a
     * query parameter that is not a number.
     */
    @Test
    void whatTheAccountsApiCannotTakeIsA400ThatSaysWhyAndMakesNothing() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        HttpResponse<String> yes = root.post("api/admin/users",
                "{\"username\":\"frank\",\"password\":\"frank-password-1\",\"admin\":\"yes\"}", "application/json");
        Deployments.assertProblem(yes, 400, "invalid_frame");
        assertTrue(yes.body().contains("admin is true or false"), yes.body());
        assertFalse(root.get("api/admin/users").body().contains("\"frank\""), "no account was made");
        HttpResponse<String> tooLong = root.post("api/admin/users",
                "{\"username\":\"frank\",\"password\":\"" + "p".repeat(1025) + "\"}", "application/json");
        Deployments.assertProblem(tooLong, 400, "invalid_frame");
        assertTrue(tooLong.body().contains("12 to 1024 characters"), tooLong.body());
        assertFalse(root.get("api/admin/users").body().contains("\"frank\""), "no account was made");

        Deployments.assertProblem(root.post("api/tokens", "{\"label\":\"" + "l".repeat(101) + "\"}",
                "application/json"), 400, "invalid_frame");
        assertEquals(201, root.post("api/tokens", "{\"label\":\"" + "l".repeat(100) + "\"}", "application/json")
                .statusCode(), "the longest label the table keeps");
        HttpResponse<String> empty = root.post("api/tokens", "", "application/json");
        Deployments.assertProblem(empty, 400, "bad_request");
        assertTrue(empty.body().contains("no body"), empty.body());

        HttpResponse<String> notANumber = root.get("api/usage?limit=ten");
        Deployments.assertProblem(notANumber, 400, "invalid_frame");
        assertTrue(notANumber.body().contains("limit must be a whole number"), notANumber.body());
    }

    /**
     * An admin deletes an account while its user is signed in and an answer streams: the answer is stopped (the
     * provider's connection closed), the connection is closed with 1008, and the browser's session is over at its
     * next request. The container keeps a signed-in user in the session, so before, the deleted user went
     * on chatting until the session expired. A new account of the same name starts with nothing of the old one's.
     */
    @Test
    void aDeletedAccountIsSignedOutAtOnceAndItsAnswersStop() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        createUser(root, "gina");
        SignedIn gina = SignedIn.attempt(deployed, "gina", "gina-password-1");
        UPSTREAM.on("gina-endless", OpenAiSse.endless(20));
        try (WsClient client = gina.connect()) {
            client.send("{\"content\":\"gina-endless\"}");
            client.next("start");
            client.next("token");
            Deployments.assertProblem(root.send("DELETE", "api/admin/users/gina?conversations=maybe", null), 400,
                    "invalid_frame");
            assertEquals(204, root.send("DELETE", "api/admin/users/gina", null).statusCode());
            assertEquals(1008, client.awaitCloseCode());
        }
        assertTrue(UPSTREAM.last("gina-endless").awaitEnd(2000), "the provider's connection closed");
        Deployments.assertProblem(gina.get("api/me"), 401, "unauthorized");
        assertEquals(401, gina.get("api/conversations").statusCode(), "the session is over, not only refused once");
        WsClient.refused(401, "unauthorized", gina::connect);

        // the name again is a new account: it found the old one's conversations, whose owner was the name
        createUser(root, "gina");
        SignedIn newGina = SignedIn.attempt(deployed, "gina", "gina-password-1");
        assertEquals(0, newGina.json("api/conversations").getJsonArray("conversations").size());
    }

    /**
     * A user changes their own password: the current one must be right; the browser that changed it stays signed
     * in, their other browser is signed out at its next request and its chat connection closed, and the old password
     * no longer signs in. An admin's reset signs out every browser of the user. Before, a password could not be
     * changed at all.
     */
    @Test
    void aUserChangesTheirPasswordAndTheirOtherBrowsersAreSignedOut() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        createUser(root, "ivan");
        SignedIn here = SignedIn.attempt(deployed, "ivan", "ivan-password-1");
        SignedIn there = SignedIn.attempt(deployed, "ivan", "ivan-password-1");
        assertEquals(200, there.get("api/me").statusCode());
        String token = ((JsonObject) Browser.parse(here.post("api/tokens", "{\"label\":\"script\"}",
                "application/json").body())).getString("token");
        try (WsClient thereChat = there.connect();
             WsClient script = WsClient.connectWith(chat(), "Authorization", "Bearer " + token)) {
            thereChat.send("{\"type\":\"ping\"}");
            assertEquals("pong", thereChat.next().getString("type"));
            Deployments.assertProblem(here.send("PUT", "api/me/password",
                    "{\"current\":\"not-ivans-password\",\"new\":\"ivan-password-2\"}"), 403, "forbidden");
            Deployments.assertProblem(here.send("PUT", "api/me/password",
                    "{\"current\":\"ivan-password-1\",\"new\":\"short\"}"), 400, "invalid_frame");
            Deployments.assertProblem(here.send("PUT", "api/me/password", "{\"new\":\"ivan-password-2\"}"), 400,
                    "invalid_frame");
            HttpResponse<String> changed = here.send("PUT", "api/me/password",
                    "{\"current\":\"ivan-password-1\",\"new\":\"ivan-password-2\"}");
            assertEquals(204, changed.statusCode(), changed.body());
            assertTrue(changed.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("JSESSIONID=")),
                    "the session that changed it goes on under a new id: " + changed.headers().map());
            assertEquals(1008, thereChat.awaitCloseCode());
            script.send("{\"type\":\"ping\"}");
            assertEquals("pong", script.next().getString("type"), "a token's connection outlives the change");
        }
        assertEquals(200, here.get("api/me").statusCode(), "the browser that changed it stays signed in");
        try (WsClient hereChat = here.connect()) {
            hereChat.send("{\"type\":\"ping\"}");
            assertEquals("pong", hereChat.next().getString("type"), "and may chat");
        }
        Deployments.assertProblem(there.get("api/me"), 401, "unauthorized");
        assertEquals(401, there.get("api/conversations").statusCode(), "the session is over, not only refused once");
        WsClient.refused(401, "unauthorized", there::connect);
        assertTrue(SignedIn.attempt(deployed, "ivan", "ivan-password-1").location.endsWith("/login.html?failed"));

        assertEquals(403, here.send("PUT", "api/admin/users/root/password", "{\"password\":\"taken-over-pass\"}")
                .statusCode(), "only admins reset passwords");
        assertEquals(204, root.send("PUT", "api/admin/users/ivan/password", "{\"password\":\"ivan-password-3\"}")
                .statusCode());
        Deployments.assertProblem(here.get("api/me"), 401, "unauthorized");
        assertEquals(404, root.send("PUT", "api/admin/users/nobody/password", "{\"password\":\"nobodys-password\"}")
                .statusCode());
        assertEquals(200, SignedIn.attempt(deployed, "ivan", "ivan-password-3").get("api/me").statusCode());
        SignedIn ivan = SignedIn.attempt(deployed, "ivan", "ivan-password-3");
        HttpResponse<String> guess;
        int guesses = 0;
        do { // each guess at the current password is a sign-in attempt for the name, and as limited
            guess = ivan.send("PUT", "api/me/password", "{\"current\":\"guess-" + guesses++
                    + "\",\"new\":\"ivan-password-4\"}");
        } while (guess.statusCode() == 403 && guesses < 30);
        Deployments.assertProblem(guess, 429, "rate_limited");
        assertTrue(guess.body().contains("Too many password attempts") && guess.headers().firstValue("Retry-After")
                .isPresent(), guess.body());
        assertEquals(200, root.get("api/me").statusCode(), "the admin's own session is untouched");
    }

    @Test
    void anAdminSetsOneUsersLimitsOverTheConfiguredOnes() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        createUser(root, "dave");
        createUser(root, "erin");
        SignedIn dave = SignedIn.attempt(deployed, "dave", "dave-password-1");
        SignedIn erin = SignedIn.attempt(deployed, "erin", "erin-password-1");
        HttpResponse<String> set = root.send("PUT", "api/admin/users/dave/limits", "{\"messages-per-minute\":1}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("1", ((JsonObject) Browser.parse(set.body())).getString("messages-per-minute"));
        assertEquals(403, dave.send("PUT", "api/admin/users/dave/limits", "{\"messages-per-minute\":100}")
                .statusCode(), "a user cannot raise their own limits");
        assertEquals(400, root.send("PUT", "api/admin/users/dave/limits", "{\"speed\":1}").statusCode());
        Deployments.assertProblem(root.send("PUT", "api/admin/users/dave/limits", "{\"messages-per-minute\":1.5}"),
                400, "invalid_frame");
        Deployments.assertProblem(root.send("PUT", "api/admin/users/dave/limits", "{\"cost-per-day\":1e60}"), 400,
                "invalid_frame"); // longer than the table keeps: it was a 503 storage_error, "try again"
        assertEquals("1", root.json("api/admin/users/dave/limits").getString("messages-per-minute"),
                "a refused change changes nothing");
        assertEquals(404, root.send("PUT", "api/admin/users/nobody/limits", "{}").statusCode());

        UPSTREAM.on("limited", OpenAiSse.tokens(List.of("fine"), 0));
        try (WsClient limited = dave.connect(); WsClient other = erin.connect()) {
            for (int i = 0; i < 2; i++) {
                other.send("{\"type\":\"message\",\"content\":\"limited\"}");
                assertEquals("end", WsClient.last(other.untilTerminal()).getString("type"), "erin has the default");
            }
            limited.send("{\"type\":\"message\",\"content\":\"limited\"}");
            assertEquals("end", WsClient.last(limited.untilTerminal()).getString("type"));
            limited.send("{\"type\":\"message\",\"content\":\"limited\"}");
            JsonObject refused = limited.next("error");
            assertEquals("rate_limited", refused.getString("code"));
            assertTrue(refused.getJsonNumber("retry_after_ms").longValue() > 0);

            JsonObject now = (JsonObject) Browser.parse(root.send("PUT", "api/admin/users/dave/limits",
                    "{\"messages-per-minute\":null,\"tokens-per-day\":50}").body());
            assertFalse(now.containsKey("messages-per-minute"), "null gives the configured value back");
            // the bucket dave emptied refills at the configured 30 a minute: one more message within 2 s
            JsonObject next;
            do {
                limited.send("{\"type\":\"message\",\"content\":\"limited\"}");
                next = limited.next("error");
                if (next.getString("code").equals("rate_limited")) {
                    Thread.sleep(next.getJsonNumber("retry_after_ms").longValue());
                }
            } while (next.getString("code").equals("rate_limited"));
            assertEquals("budget_exceeded", next.getString("code"),
                    "50 tokens a day cannot cover the model's longest answer");
        }
    }

    @Test
    void inARealBrowserTheSignInPageLeadsToTheChatAndSignOutLeadsBack() throws Exception {
        UPSTREAM.on("from the browser", OpenAiSse.tokens(List.of("Signed ", "in ", "and ", "answered."), 5));
        org.openqa.selenium.chrome.ChromeDriver browser = Chromium.start();
        try {
            browser.get(base().toString());
            org.awaitility.Awaitility.await().until(() -> browser.getCurrentUrl().endsWith("/login.html"));
            browser.findElement(By.id("username")).sendKeys("root");
            browser.findElement(By.id("password")).sendKeys("wrong password!");
            browser.findElement(By.id("sign-in")).click();
            org.awaitility.Awaitility.await().until(() -> browser.getCurrentUrl().endsWith("/login.html?failed"));
            assertTrue(browser.findElement(By.id("failed")).isDisplayed());

            browser.findElement(By.id("username")).sendKeys("root");
            browser.findElement(By.id("password")).sendKeys(ADMIN_PASSWORD);
            browser.findElement(By.id("sign-in")).click();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> "open".equals(
                    browser.findElement(By.id("connection-text")).getAttribute("data-state")));
            assertEquals("root", browser.findElement(By.id("who")).getText());
            WebElement input = browser.findElement(By.id("input"));
            input.sendKeys("from the browser");
            input.sendKeys(Keys.ENTER);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> browser
                    .findElements(By.cssSelector("li.turn.assistant[data-state=done]")).size() == 1);
            assertEquals("Signed in and answered.",
                    browser.findElement(By.cssSelector("li.turn.assistant .content")).getText());
            assertEquals("", ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeScript("return document.cookie"), "the session cookie is not readable by scripts");
            await().until(() -> browser.findElements(By.cssSelector("#conversations li .open")).stream()
                    .anyMatch(open -> open.getText().equals("from the browser"))); // the page's last read is done

            browser.findElement(By.id("sign-out")).click();
            org.awaitility.Awaitility.await().until(() -> browser.getCurrentUrl().endsWith("/login.html"));
            browser.get(base().toString());
            org.awaitility.Awaitility.await().until(() -> browser.getCurrentUrl().endsWith("/login.html"));
        } finally {
            browser.quit();
        }
    }

    /**
     * In a real browser a user changes their password in the page's dialog: a wrong current password and two new
     * ones that differ are said and change nothing; then the page stays signed in and answers, and the new password
     * signs in after a sign-out. The page also says what is left of the user's budget, after each answer.
     */
    @Test
    void inARealBrowserAUserChangesTheirPasswordInThePageAndSeesTheirBudget() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        createUser(root, "judy");
        assertEquals(200, root.send("PUT", "api/admin/users/judy/limits", "{\"tokens-per-day\":50000}").statusCode());
        UPSTREAM.on("still here", OpenAiSse.tokens(List.of("Still ", "signed ", "in."), 5));
        org.openqa.selenium.chrome.ChromeDriver browser = Chromium.start();
        try {
            browser.get(base().toString());
            Chromium.signIn(browser, "judy", "judy-password-1");
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("change-password"))
                    .isDisplayed());
            browser.findElement(By.id("change-password")).click();
            changePassword(browser, "not-judys-password", "judy-password-2", "judy-password-2");
            await().until(() -> browser.findElement(By.id("password-result")).getText()
                    .equals("The current password is not right."));
            changePassword(browser, "judy-password-1", "judy-password-2", "judy-password-3");
            await().until(() -> browser.findElement(By.id("password-result")).getText()
                    .equals("The two new passwords differ."));
            changePassword(browser, "judy-password-1", "judy-password-2", "judy-password-2");
            await().until(() -> browser.findElement(By.id("password-result")).getText()
                    .startsWith("Password changed."));
            browser.findElement(By.id("password-close")).click();
            assertEquals("Still signed in.", Chromium.ask(browser, "still here"), "reconnected, still signed in");
            // 11 input and 3 output tokens, as the provider counted them
            await().until(() -> browser.findElement(By.id("budgets")).getText()
                    .equals("Today: 49,986 of 50,000 tokens left"));
            // the sidebar's read after the answer is done too: leaving the page in the middle of a request makes
            // Payara log the request's failure (Deployments.isContainerDroppedRequest) and, once, answer a later one
            // wrongly
            await().until(() -> browser.findElements(By.cssSelector("#conversations li .open")).stream()
                    .anyMatch(open -> open.getText().equals("still here")));

            browser.findElement(By.id("sign-out")).click();
            Chromium.signIn(browser, "judy", "judy-password-1");
            await().until(() -> browser.getCurrentUrl().endsWith("/login.html?failed"));
            Chromium.signIn(browser, "judy", "judy-password-2");
            await().atMost(Duration.ofSeconds(20)).until(() -> "judy".equals(browser.findElement(By.id("who"))
                    .getText()));
        } finally {
            browser.quit();
        }
    }

    private static void changePassword(org.openqa.selenium.chrome.ChromeDriver browser, String current, String next,
                                       String again) {
        for (String[] field : new String[][] {{"current-password", current}, {"new-password", next},
                {"repeat-password", again}}) {
            WebElement input = browser.findElement(By.id(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
        browser.findElement(By.id("password-save")).click();
    }

    @Test
    void guessingPasswordsForOneNameIsSlowedDownAndOtherNamesAreNot() throws Exception {
        SignedIn root = SignedIn.attempt(deployed, "root", ADMIN_PASSWORD);
        createUser(root, "frank");
        // each wrong guess costs a password hash, so the bucket may refill a guess or two meanwhile (one every 4 s)
        int guesses = 0;
        String answer;
        do {
            answer = SignedIn.attempt(deployed, "frank", "guess-" + guesses).location;
            guesses++;
        } while (answer.endsWith("/login.html?failed") && guesses <= SIGN_INS_PER_MINUTE + 5);
        assertTrue(answer.matches(".*/login\\.html\\?wait=\\d+"), "guessing is held back at last: " + answer);
        assertTrue(guesses > SIGN_INS_PER_MINUTE, "every guess of the minute's allowance was tried: " + guesses);
        // The checks below must run before the bucket's next refill: each round first makes sure it is 2 s away.
        String basic = "Basic " + Base64.getEncoder().encodeToString("frank:frank-password-1"
                .getBytes(StandardCharsets.UTF_8));
        for (int round = 1; ; round++) {
            long quietUntil = heldBackUntil("frank");
            SignedIn refused = SignedIn.attempt(deployed, "frank", "frank-password-1");
            HttpResponse<String> script = HttpClient.newHttpClient().send(post("api/tokens", "{}")
                    .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
            if (System.nanoTime() > quietUntil) { // a refill may have come in between: this round shows nothing
                assertTrue(round < 3, "three rounds in a row outlasted the 2 s before the next refill");
                continue;
            }
            assertTrue(refused.location.matches(".*/login\\.html\\?wait=\\d+"), "even the right password waits: "
                    + refused.location);
            assertEquals(401, refused.get("api/me").statusCode());
            assertEquals(429, script.statusCode(), script.body());
            assertEquals("rate_limited", ((JsonObject) Browser.parse(script.body())).getString("code"));
            assertTrue(script.headers().firstValue("Retry-After").isPresent());
            break;
        }

        createUser(root, "grace");
        assertTrue(SignedIn.attempt(deployed, "grace", "grace-password-1").location.endsWith("/"),
                "another name is not held back");
    }

    /**
     * Guesses a wrong password for {@code name} until one is refused with a wait of 3 s or more (after a shorter
     * wait, it lets the refill come and guesses again): returns the {@link System#nanoTime()} before which every
     * sign-in for the name must be refused, counted from before that guess was sent.
     */
    private long heldBackUntil(String name) throws Exception {
        Pattern held = Pattern.compile(".*/login\\.html\\?wait=(\\d+)");
        for (int guess = 0; guess < 30; guess++) {
            long sent = System.nanoTime();
            Matcher wait = held.matcher(SignedIn.attempt(deployed, name, "wrong-" + guess).location);
            if (wait.matches()) {
                int seconds = Integer.parseInt(wait.group(1));
                if (seconds >= 3) {
                    return sent + (seconds - 1) * 1_000_000_000L;
                }
                Thread.sleep(seconds * 1000L);
            }
        }
        throw new AssertionError("30 guesses for " + name + " and never held back for 3 s or more");
    }

    private void createUser(SignedIn admin, String name) throws Exception {
        HttpResponse<String> created = admin.post("api/admin/users", "{\"username\":\"" + name
                + "\",\"password\":\"" + name + "-password-1\"}", "application/json");
        assertTrue(created.statusCode() == 201 || created.statusCode() == 409, created.body());
    }

    private URI base() {
        return Deployments.base(deployed);
    }

    private URI chat() {
        return Deployments.chat(deployed);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(base().resolve(path));
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(base().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }
}
