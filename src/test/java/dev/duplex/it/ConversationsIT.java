package dev.duplex.it;

import static dev.duplex.it.OpenAiSse.role;
import static dev.duplex.it.OpenAiSse.token;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conversations kept in the database: continued from another connection, regenerated, forked by an edit,
 * trimmed to a token budget, listed, searched, renamed, exported and deleted over REST, and private to the browser
 * that owns them. The upstream is a real OpenAI-compatible server on 127.0.0.1 that shows what history it was sent.
 */
@ExtendWith(ArquillianExtension.class)
class ConversationsIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();

    private static final Path DATA = Deployments.dataDir();

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.data-dir", DATA.toString(),
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.model", "gpt-test",
                "duplex.upstream.models", "gpt-test, gpt-small",
                "duplex.model.gpt-small.context-window", "600",
                "duplex.model.gpt-small.max-output-tokens", "100",
                "duplex.history.save-interval-ms", "200",
                "duplex.retry.max-attempts", "1",
                "duplex.ws.max-frame-bytes", "262144"));
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    /**
     * A system prompt as long as the operator's frame size lets through is stored and sent to the provider. The
     * column held 100,000 characters: a longer prompt failed the question's commit with storage_error.
     */
    @Test
    void aLongSystemPromptIsStoredAndSent() throws Exception {
        String system = "Follow the house style. ".repeat(5000); // 120,000 characters
        UPSTREAM.on("Styled", OpenAiSse.tokens(List.of("Done."), 0));
        Browser browser = new Browser(deployed);
        String conversation;
        try (WsClient client = browser.connect()) {
            client.send(Json.createObjectBuilder().add("content", "Styled").add("system", system).build().toString());
            conversation = client.next("start").getString("conversation_id");
            assertEquals("Done.", WsClient.text(client.untilTerminal()));
        }
        assertEquals("system:" + system, roles(UPSTREAM.last("Styled").messages()).get(0));
        assertEquals(system, browser.getJson("conversations/" + conversation).getString("system"));
    }

    /**
     * The character U+0000, which PostgreSQL cannot keep, in a question, in the provider's answer and in a search:
     * it is the replacement character U+FFFD, streamed, sent and stored alike. On PostgreSQL each was a
     * storage_error, and a NUL in an answer failed its save.
     */
    @Test
    void aNulCharacterIsTheReplacementCharacterStreamedAndStored() throws Exception {
        UPSTREAM.on("Nul\uFFFD", OpenAiSse.tokens(List.of("Zero\u0000", "width"), 0));
        Browser browser = new Browser(deployed);
        String conversation;
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"Nul\\u0000 in a question\"}");
            conversation = client.next("start").getString("conversation_id");
            List<JsonObject> frames = client.untilTerminal();
            assertEquals("end", WsClient.last(frames).getString("type"), frames.toString());
            assertEquals("Zero\uFFFDwidth", WsClient.text(frames));
        }
        assertEquals("user:Nul\uFFFD in a question", roles(UPSTREAM.last("Nul").messages()).get(0));
        JsonArray messages = browser.getJson("conversations/" + conversation).getJsonArray("messages");
        assertEquals("Nul\uFFFD in a question", messages.getJsonObject(0).getString("content"));
        assertEquals("Zero\uFFFDwidth", messages.getJsonObject(1).getString("content"));
        assertEquals(List.of(conversation), ids(browser.getJson("conversations?q=Nul%00").getJsonArray("conversations")),
                "a search with U+0000 finds the U+FFFD");
    }

    /**
     * Deleting a conversation while its answer streams stops that answer: the provider's connection is closed and
     * the client gets the end of a stop, while the same user's answer in another conversation streams on. It
     * streamed on to its end before, into a conversation that was gone, the provider generating (and billing) it.
     */
    @Test
    void deletingAConversationStopsTheAnswerStreamingIntoIt() throws Exception {
        UPSTREAM.on("Endless", OpenAiSse.endless(20));
        Browser browser = new Browser(deployed);
        try (WsClient deleted = browser.connect(); WsClient other = browser.connect()) {
            deleted.send("{\"content\":\"Endless and deleted\"}");
            String conversation = deleted.next("start").getString("conversation_id");
            other.send("{\"content\":\"Endless and kept\"}");
            other.next("start");
            deleted.next("token");
            assertEquals(204, browser.delete("conversations/" + conversation).statusCode());
            JsonObject end = deleted.next(); // tokens, then the end: within 10 s, or the answer was not stopped
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                 end.getString("type").equals("token") && System.nanoTime() < until; end = deleted.next()) {
                // the tokens sent before the stop
            }
            assertEquals("end", end.getString("type"), "the answer streams on: " + end);
            assertEquals("cancelled", end.getString("finish_reason"));
            assertTrue(UPSTREAM.last("Endless and deleted").awaitEnd(2000), "the provider's connection closed");
            Deployments.assertProblem(browser.get("conversations/" + conversation), 404, "conversation_not_found");

            other.next("token");
            assertFalse(UPSTREAM.last("Endless and kept").awaitEnd(200), "the other conversation's answer goes on");
            other.send("{\"type\":\"cancel\"}");
            assertEquals("cancelled", WsClient.last(other.untilTerminal()).getString("finish_reason"));
        }
    }

    @Test
    void aConversationIsStoredAndContinuesFromAnotherConnection() throws Exception {
        UPSTREAM.on("Name a colour", OpenAiSse.tokens(List.of("Blue", "."), 0));
        UPSTREAM.on("And another", OpenAiSse.tokens(List.of("Green", "."), 0));
        Browser browser = new Browser(deployed);
        String conversation;
        try (WsClient client = browser.connect()) {
            client.send("{\"type\":\"message\",\"content\":\"Name a colour\",\"system\":\"Be brief.\"}");
            JsonObject start = client.next("start");
            conversation = start.getString("conversation_id");
            assertNotNull(start.getString("question_id"));
            assertNotNull(start.getString("message_id"));
            List<JsonObject> frames = client.untilTerminal();
            assertEquals("end", frames.get(frames.size() - 1).getString("type"));
        }
        try (WsClient laptop = browser.connect()) {
            laptop.send("{\"type\":\"message\",\"content\":\"And another\",\"conversation_id\":\"" + conversation
                    + "\"}");
            assertEquals(conversation, laptop.next("start").getString("conversation_id"));
            assertEquals("Green.", WsClient.text(laptop.untilTerminal()));
        }
        JsonArray sent = UPSTREAM.last("And another").messages();
        assertEquals(List.of("system:Be brief.", "user:Name a colour", "assistant:Blue.", "user:And another"),
                roles(sent), "the history came from the database");

        JsonObject stored = browser.getJson("conversations/" + conversation);
        assertEquals("Name a colour", stored.getString("title"));
        assertEquals("Be brief.", stored.getString("system"));
        JsonArray messages = stored.getJsonArray("messages");
        assertEquals(4, messages.size());
        JsonObject answer = messages.getJsonObject(1);
        assertEquals("assistant", answer.getString("role"));
        assertEquals("Blue.", answer.getString("content"));
        assertEquals("complete", answer.getString("status"));
        assertEquals("gpt-test", answer.getString("model"));
        assertEquals("stop", answer.getString("finish_reason"));
        assertEquals(11, answer.getJsonObject("usage").getInt("input_tokens"));
        assertEquals(2, answer.getJsonObject("usage").getInt("output_tokens"));
        assertEquals("complete", messages.getJsonObject(2).getString("status"));

        if (System.getProperty("duplex.it.database", "H2").equals("H2")) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                long file = Files.size(DATA.resolve("duplex.mv.db"));
                assertTrue(file > 0);
                assertEquals(file, Deployments.gauge(deployed, "duplex_data_file_bytes"),
                        "the file's size is published");
            });
        } else {
            assertFalse(Files.exists(DATA.resolve("duplex.mv.db")), "no embedded database beside the server's");
            assertEquals(0, Deployments.gauge(deployed, "duplex_data_file_bytes"), "no embedded file to measure");
        }
    }

    @Test
    void anotherBrowserNeverSeesTheConversation() throws Exception {
        UPSTREAM.on("Private", OpenAiSse.tokens(List.of("secret"), 0));
        Browser owner = new Browser(deployed);
        Browser stranger = new Browser(deployed);
        String conversation = ask(owner, "Private matter");

        HttpResponse<String> read = stranger.get("conversations/" + conversation);
        assertEquals(404, read.statusCode());
        assertEquals("application/problem+json", read.headers().firstValue("content-type").orElse(""));
        JsonObject problem = (JsonObject) Browser.parse(read.body());
        assertEquals("conversation_not_found", problem.getString("code"));
        assertEquals(404, problem.getInt("status"));
        assertEquals(404, stranger.delete("conversations/" + conversation).statusCode());
        assertEquals(404, stranger.patch("conversations/" + conversation, "{\"title\":\"mine\"}").statusCode());
        assertEquals(0, stranger.getJson("conversations").getJsonArray("conversations").size());
        try (WsClient client = stranger.connect()) {
            client.send("{\"type\":\"message\",\"content\":\"Private too\",\"conversation_id\":\"" + conversation
                    + "\"}");
            JsonObject error = client.next("error");
            assertEquals("conversation_not_found", error.getString("code"));
            client.send("{\"type\":\"ping\"}");
            client.next("pong");
        }
        assertEquals(2, owner.getJson("conversations/" + conversation).getJsonArray("messages").size(),
                "nothing was added to the owner's conversation");
    }

    @Test
    void regenerateReplacesTheLastAnswerAndAnEditForks() throws Exception {
        UPSTREAM.on("First question", OpenAiSse.tokens(List.of("One"), 0));
        UPSTREAM.on("Second question", OpenAiSse.tokens(List.of("Two"), 0));
        UPSTREAM.on("Edited question", OpenAiSse.tokens(List.of("Forked"), 0));
        Browser browser = new Browser(deployed);
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"First question\"}");
            String conversation = client.next("start").getString("conversation_id");
            client.untilTerminal();
            client.send("{\"content\":\"Second question\",\"conversation_id\":\"" + conversation + "\"}");
            client.next("start");
            client.untilTerminal();

            UPSTREAM.on("Second question", OpenAiSse.tokens(List.of("Two, again"), 0));
            client.send("{\"type\":\"regenerate\",\"conversation_id\":\"" + conversation + "\"}");
            JsonObject start = client.next("start");
            assertFalse(start.containsKey("question_id"), "no new question: " + start);
            assertEquals("Two, again", WsClient.text(client.untilTerminal()));
            assertEquals(List.of("user:First question", "assistant:One", "user:Second question"),
                    roles(UPSTREAM.last("Second question").messages()), "the old answer was not sent");
            JsonArray messages = browser.getJson("conversations/" + conversation).getJsonArray("messages");
            assertEquals(List.of("user:First question", "assistant:One", "user:Second question",
                    "assistant:Two, again"), roles(messages));

            String firstQuestion = messages.getJsonObject(0).getString("id");
            client.send("{\"content\":\"Edited question\",\"edit_of\":\"" + firstQuestion
                    + "\",\"conversation_id\":\"" + conversation + "\"}");
            client.next("start");
            assertEquals("Forked", WsClient.text(client.untilTerminal()));
            assertEquals(List.of("user:Edited question"), roles(UPSTREAM.last("Edited question").messages()));
            assertEquals(List.of("user:Edited question", "assistant:Forked"),
                    roles(browser.getJson("conversations/" + conversation).getJsonArray("messages")));

            client.send("{\"content\":\"x\",\"edit_of\":\"no-such-message\",\"conversation_id\":\""
                    + conversation + "\"}");
            assertEquals("message_not_found", client.next("error").getString("code"));
            client.send("{\"type\":\"regenerate\"}");
            assertEquals("invalid_frame", client.next("error").getString("code"));
        }
    }

    @Test
    void stoppedAndFailedAnswersAreStoredWithTheirStatusAndPartialText() throws Exception {
        UPSTREAM.on("Go on forever", OpenAiSse.endless(20));
        UPSTREAM.on("Break midway", exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            exchange.chunk(token("Half an answer"));
            exchange.endBody();
        });
        Browser browser = new Browser(deployed);
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"Go on forever\"}");
            String conversation = client.next("start").getString("conversation_id");
            client.next("token");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonObject answer = browser.getJson("conversations/" + conversation).getJsonArray("messages")
                        .getJsonObject(1);
                return answer.getString("status").equals("streaming") && answer.getString("content").length() > 10;
            });
            client.send("{\"type\":\"cancel\"}");
            List<JsonObject> frames = client.untilTerminal();
            String streamed = WsClient.text(frames);
            JsonObject stopped = browser.getJson("conversations/" + conversation).getJsonArray("messages")
                    .getJsonObject(1);
            assertEquals("cancelled", stopped.getString("status"));
            assertEquals("cancelled", stopped.getString("finish_reason"));
            assertTrue(stopped.getString("content").startsWith("w1 w2 "), stopped.toString());
            assertTrue(streamed.length() <= stopped.getString("content").length(), "every relayed token is stored");
            assertTrue(stopped.getJsonObject("usage").getBoolean("estimated"));

            client.send("{\"content\":\"Break midway\",\"conversation_id\":\"" + conversation + "\"}");
            client.next("start");
            JsonObject error = client.untilTerminal().stream().filter(f -> f.getString("type").equals("error"))
                    .findFirst().orElseThrow();
            assertEquals("upstream_truncated", error.getString("code"));
            JsonObject failed = browser.getJson("conversations/" + conversation).getJsonArray("messages")
                    .getJsonObject(3);
            assertEquals("error", failed.getString("status"));
            assertEquals("Half an answer", failed.getString("content"));
            assertEquals("upstream_truncated", failed.getJsonObject("error").getString("code"));
        }
    }

    /**
     * An answer of 1.5 million characters, streamed for about 3 s: the periodic saves (every 200 ms here) append
     * to a stored prefix that grows past a million characters, and the final save writes it whole.
     */
    @Test
    void anAnswerOfMillionsOfCharactersIsStoredWhole() throws Exception {
        List<String> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            pieces.add(String.format("%05d", i) + "x".repeat(9_995));
        }
        UPSTREAM.on("Write a long one", OpenAiSse.tokens(pieces, 20));
        Browser browser = new Browser(deployed);
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"Write a long one\"}");
            String conversation = client.next("start").getString("conversation_id");
            List<JsonObject> frames = client.untilTerminal();
            assertEquals("end", WsClient.last(frames).getString("type"));
            String expected = String.join("", pieces);
            assertEquals(expected.length(), WsClient.text(frames).length(), "the client got it whole");
            JsonObject answer = browser.getJson("conversations/" + conversation).getJsonArray("messages")
                    .getJsonObject(1);
            assertEquals("complete", answer.getString("status"));
            String stored = answer.getString("content");
            assertEquals(expected.length(), stored.length(), "the whole answer is stored");
            assertTrue(stored.equals(expected), "stored in order, nothing lost or repeated");
        }
    }

    @Test
    void historyIsTrimmedToTheModelsBudgetKeepingTheSystemPromptAndTellsTheClient() throws Exception {
        String longText = "lorem ipsum dolor sit amet ".repeat(40);
        UPSTREAM.on("Long", OpenAiSse.tokens(List.of(longText), 0));
        UPSTREAM.on("Short", OpenAiSse.tokens(List.of("ok"), 0));
        Browser browser = new Browser(deployed);
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"Long one\",\"model\":\"gpt-small\",\"system\":\"Stay calm.\"}");
            String conversation = client.next("start").getString("conversation_id");
            client.untilTerminal();
            client.send("{\"content\":\"Long two\",\"model\":\"gpt-small\",\"conversation_id\":\"" + conversation
                    + "\"}");
            JsonObject second = client.next("start");
            client.untilTerminal();
            assertFalse(second.containsKey("history_dropped"), "all fit so far: " + second);

            client.send("{\"content\":\"Short question\",\"model\":\"gpt-small\",\"conversation_id\":\""
                    + conversation + "\"}");
            JsonObject third = client.next("start");
            client.untilTerminal();
            int dropped = third.getInt("history_dropped");
            assertTrue(dropped >= 1, third.toString());
            List<String> sent = roles(UPSTREAM.last("Short").messages());
            assertEquals("system:Stay calm.", sent.get(0));
            assertEquals("user:Short question", sent.get(sent.size() - 1));
            assertEquals(5 - dropped, sent.size() - 1, "the oldest were dropped: " + sent);
            assertEquals(6, browser.getJson("conversations/" + conversation).getJsonArray("messages").size(),
                    "the database still has every message");
        }
    }

    @Test
    void theRestApiListsSearchesRenamesExportsAndDeletes() throws Exception {
        UPSTREAM.on("About penguins", OpenAiSse.tokens(List.of("They *swim*", " well."), 0));
        UPSTREAM.on("About tea", OpenAiSse.tokens(List.of("Oolong is 50% oxidised."), 0));
        Browser browser = new Browser(deployed);
        String penguins = ask(browser, "About penguins");
        String tea = ask(browser, "About tea");

        JsonArray all = browser.getJson("conversations").getJsonArray("conversations");
        assertEquals(List.of(tea, penguins), ids(all), "newest first");
        assertEquals("About tea", all.getJsonObject(0).getString("title"));
        assertNotNull(all.getJsonObject(0).getString("updated_at"));
        assertEquals(List.of(penguins), ids(browser.getJson("conversations?q=SWIM").getJsonArray("conversations")),
                "search finds answer text, case-insensitively");
        assertEquals(List.of(tea), ids(browser.getJson("conversations?q=50%25").getJsonArray("conversations")),
                "% is a character, not a wildcard");
        assertEquals(List.of(penguins), ids(browser.getJson("conversations?offset=1&limit=1")
                .getJsonArray("conversations")));

        HttpResponse<String> renamed = browser.patch("conversations/" + penguins, "{\"title\":\"Birds\"}");
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("Birds", browser.getJson("conversations/" + penguins).getString("title"));
        assertEquals(List.of(penguins, tea), ids(browser.getJson("conversations").getJsonArray("conversations")),
                "renaming is activity");

        HttpResponse<String> markdown = browser.get("conversations/" + penguins + "/export?format=md");
        assertEquals(200, markdown.statusCode());
        assertTrue(markdown.headers().firstValue("content-type").orElse("").startsWith("text/markdown"));
        assertTrue(markdown.headers().firstValue("content-disposition").orElse("").contains(".md"));
        assertEquals("# Birds\n\n## You\n\nAbout penguins\n\n## Assistant (gpt-test)\n\nThey *swim* well.\n\n",
                markdown.body());
        JsonObject json = (JsonObject) Browser.parse(
                browser.get("conversations/" + penguins + "/export?format=json").body());
        assertEquals(2, json.getJsonArray("messages").size());

        Deployments.assertProblem(browser.get("conversations/" + penguins + "/export?format=pdf"), 400,
                "invalid_frame");
        Deployments.assertProblem(browser.get("conversations?limit=0"), 400, "invalid_frame");
        HttpResponse<String> notANumber = browser.get("conversations?offset=2&limit=fifty");
        Deployments.assertProblem(notANumber, 400, "invalid_frame"); // JAX-RS's own answer was 404 not_found
        assertTrue(notANumber.body().contains("limit must be a whole number"), notANumber.body());
        Deployments.assertProblem(browser.patch("conversations/" + penguins, "{\"title\":\"  \"}"), 400,
                "invalid_frame");
        Deployments.assertProblem(browser.patch("conversations/" + penguins, "not json"), 400, "bad_request");
        Deployments.assertProblem(browser.get("conversations/no-such-id"), 404, "conversation_not_found");

        assertEquals(204, browser.delete("conversations/" + penguins).statusCode());
        Deployments.assertProblem(browser.get("conversations/" + penguins), 404, "conversation_not_found");
        assertEquals(List.of(tea), ids(browser.getJson("conversations").getJsonArray("conversations")));
    }

    @Test
    void aFirstVisitGetsALongRandomIdentityCookieAndAKnownBrowserKeepsIt() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var page = java.net.http.HttpRequest.newBuilder(Deployments.base(deployed));
        String first = http.send(page.build(), HttpResponse.BodyHandlers.discarding()).headers()
                .firstValue("set-cookie").orElseThrow();
        assertTrue(first.matches("duplex_id=[A-Za-z0-9_-]{43};.*"), first);
        assertTrue(first.contains("HttpOnly"), first);
        assertTrue(first.contains("SameSite=Lax"), first);
        String second = http.send(page.build(), HttpResponse.BodyHandlers.discarding()).headers()
                .firstValue("set-cookie").orElseThrow();
        assertNotEquals(first.substring(0, 53), second.substring(0, 53), "every new browser gets its own");

        var known = http.send(page.header("Cookie", "duplex_id=" + new Browser(deployed).id).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, known.statusCode());
        assertFalse(known.headers().firstValue("set-cookie").isPresent(), "a known browser keeps its identity");
    }

    @Test
    void turnsBeginningTogetherAreEachStoredOrRefusedOnTheirOwn() throws Exception {
        UPSTREAM.on("together", OpenAiSse.tokens(List.of("ok"), 0));
        List<Browser> browsers = new java.util.ArrayList<>();
        List<WsClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                browsers.add(new Browser(deployed));
                clients.add(browsers.get(i).connect());
            }
            // sent at once, so their writes share transactions; every third names a conversation that is not there
            for (int i = 0; i < 30; i++) {
                String unknown = i % 3 == 0 ? ",\"conversation_id\":\"missing-" + i + "\"" : "";
                clients.get(i).send("{\"content\":\"together " + i + "\"" + unknown + "}");
            }
            for (int i = 0; i < 30; i++) {
                JsonObject first = clients.get(i).next();
                if (i % 3 == 0) {
                    assertEquals("conversation_not_found", first.getString("code"), first.toString());
                    assertEquals(0, browsers.get(i).getJson("conversations").getJsonArray("conversations").size());
                } else {
                    assertEquals("start", first.getString("type"), first.toString());
                    List<JsonObject> frames = clients.get(i).untilTerminal();
                    assertEquals("end", WsClient.last(frames).getString("type"), frames.toString());
                    JsonArray messages = browsers.get(i).getJson("conversations/"
                            + first.getString("conversation_id")).getJsonArray("messages");
                    assertEquals(List.of("user:together " + i, "assistant:ok"), roles(messages), messages.toString());
                    assertEquals("complete", messages.getJsonObject(1).getString("status"));
                }
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /**
     * Two windows of one browser send to one conversation at the same moment, again and again. The model is asked
     * while a question commits, from what the conversation held when the message arrived; so each message is
     * either stored and its model saw every question stored before it, or refused with conversation_changed and
     * not stored at all.
     */
    @Test
    void twoWindowsSendingToOneConversationAtOnceNeverStoreATurnItsModelDidNotSee() throws Exception {
        UPSTREAM.on("window", OpenAiSse.tokens(List.of("ok"), 0));
        Browser browser = new Browser(deployed);
        String conversation = ask(browser, "window opening");
        try (WsClient left = browser.connect(); WsClient right = browser.connect()) {
            for (int round = 0; round < 12; round++) { // 25 messages: under the 30 a minute a browser may send
                List<String> questions = List.of(String.format("window left %02d", round),
                        String.format("window right %02d", round));
                left.send("{\"content\":\"" + questions.get(0) + "\",\"conversation_id\":\"" + conversation + "\"}");
                right.send("{\"content\":\"" + questions.get(1) + "\",\"conversation_id\":\"" + conversation + "\"}");
                List<String> refused = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    WsClient window = i == 0 ? left : right;
                    JsonObject first = window.next();
                    if (first.getString("type").equals("start")) {
                        JsonObject terminal = WsClient.last(window.untilTerminal());
                        assertEquals("end", terminal.getString("type"), terminal.toString());
                    } else {
                        assertEquals("conversation_changed", first.getString("code"), first.toString());
                        refused.add("user:" + questions.get(i));
                    }
                }
                assertTrue(refused.size() < 2, "the first write of the two always finds what its message saw");
                List<String> asked = new java.util.ArrayList<>();
                for (String message : roles(browser.getJson("conversations/" + conversation)
                        .getJsonArray("messages"))) {
                    if (!message.startsWith("user:")) {
                        continue;
                    }
                    assertFalse(refused.contains(message), "a refused message is not stored: " + message);
                    if (questions.contains(message.substring(5))) {
                        List<String> expected = new java.util.ArrayList<>(asked);
                        expected.add(message);
                        assertEquals(expected, roles(UPSTREAM.last(message.substring(5)).messages()).stream()
                                .filter(m -> m.startsWith("user:")).toList(),
                                "the model saw every question stored before this one");
                    }
                    asked.add(message);
                }
            }
        }
    }

    @Test
    void readinessNamesTheDatabaseInUse() throws Exception {
        HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://localhost:" + deployed.getPort() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject check = Deployments.databaseCheck(ready.body());
        assertEquals("UP", check.getString("status"));
        String expected = System.getProperty("duplex.it.database", "H2");
        assertTrue(check.getJsonObject("data").getString("database").startsWith(expected), check.toString());
    }

    private static String ask(Browser browser, String question) throws InterruptedException {
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"" + question + "\"}");
            String conversation = client.next("start").getString("conversation_id");
            assertEquals("end", client.untilTerminal().stream().reduce((a, b) -> b).orElseThrow()
                    .getString("type"));
            return conversation;
        }
    }

    private static List<String> ids(JsonArray conversations) {
        return conversations.stream().map(c -> ((JsonObject) c).getString("id")).toList();
    }

    private static List<String> roles(JsonArray messages) {
        return messages.stream().map(m -> (JsonObject) m)
                .map(m -> m.getString("role") + ":" + m.getString("content")).toList();
    }
}
