package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Two Duplex servers over one PostgreSQL, as a cluster behind a load balancer runs them: each browser talks to one
 * of them, and they share nothing but the database (no session replication). Runs in the postgresql profile only
 * (pom.xml): a cluster needs a database both servers reach.
 */
class ClusterIT extends WithServerProcess {

    private static final String ADMIN_PASSWORD = "cluster-admin-password-1";
    /** server-config/payara/postgresql.asadmin's database, as .ci/run creates it. */
    private static final String DATABASE = "jdbc:postgresql://localhost:5432/duplex";

    private PayaraProcess other;

    /**
     * No account yet, so the first server makes the admin whose password this test knows. The database is the
     * integration tests' own; the other tests that use it have no accounts (they run anonymous).
     */
    @BeforeEach
    void noAccounts() throws SQLException {
        assumeTrue("PostgreSQL".equals(System.getProperty("duplex.it.database")),
                "a cluster needs PostgreSQL: mvn verify -Ppostgresql");
        try (Connection db = DriverManager.getConnection(DATABASE, "duplex", "duplex");
                Statement statement = db.createStatement()) {
            if (exists(db, "app_user")) { // before any server has made the schema, there is nothing to delete
                statement.executeUpdate("DELETE FROM api_token");
                statement.executeUpdate("DELETE FROM user_limit WHERE owner_id LIKE 'user:%'");
                statement.executeUpdate("DELETE FROM app_user");
            }
        }
    }

    /** The conversations and messages in the database of {@code username}'s account, or of its remains. */
    private static long rowsOwnedBy(String username) throws SQLException {
        try (Connection db = DriverManager.getConnection(DATABASE, "duplex", "duplex");
                var count = db.prepareStatement("SELECT (SELECT count(*) FROM conversation c WHERE c.owner_id = ?"
                        + " OR c.owner_id LIKE ?) + (SELECT count(*) FROM message m JOIN conversation c"
                        + " ON m.conversation_id = c.id WHERE c.owner_id = ? OR c.owner_id LIKE ?)")) {
            for (int i = 0; i < 4; i += 2) {
                count.setString(i + 1, "user:" + username);
                count.setString(i + 2, "deleted:" + username + ":%");
            }
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static boolean exists(Connection db, String table) throws SQLException {
        try (ResultSet tables = db.getMetaData().getTables(null, null, table, null)) {
            return tables.next();
        }
    }

    @AfterEach
    void stopTheOtherServer() throws InterruptedException {
        if (other != null) {
            other.close();
        }
    }

    /**
     * An admin deletes an account on one server while its user chats on the other; then another user changes
     * their password on one server while signed in on the other. The events of the server where it happens are
     * its own: before, the other server left the user's connections open, answering, for as long as they stayed
     * open, and a deleted user's answer streaming there ran on with the provider generating (and billing) it.
     */
    @Test
    void anAccountDeletedOrAPasswordChangedOnOneServerIsStoppedOnTheOther() throws Exception {
        upstream.on("hana-endless", OpenAiSse.endless(20));
        server = start("cluster-a"); // first: it makes the admin and the schema
        other = start("cluster-b");
        SignedIn rootOnA = SignedIn.attempt(server.url(), "root", ADMIN_PASSWORD);
        HttpResponse<String> created = rootOnA.post("api/admin/users",
                "{\"username\":\"hana\",\"password\":\"hana-password-1\"}", "application/json");
        assertEquals(201, created.statusCode(), created.body());
        SignedIn hanaOnB = SignedIn.attempt(other.url(), "hana", "hana-password-1");

        try (WsClient streaming = hanaOnB.connect(); WsClient idle = hanaOnB.connect()) {
            streaming.send("{\"content\":\"hana-endless\"}");
            streaming.next("start");
            streaming.next("token");
            idle.send("{\"type\":\"ping\"}");
            assertEquals("pong", idle.next().getString("type"));

            assertEquals(204, rootOnA.send("DELETE", "api/admin/users/hana?conversations=delete", null)
                    .statusCode());
            assertEquals(1008, streaming.awaitCloseCode(), "closed within the check's interval");
            assertEquals(1008, idle.awaitCloseCode());
        }
        assertTrue(upstream.last("hana-endless").awaitEnd(2000), "the provider's connection closed");
        Deployments.assertProblem(hanaOnB.get("api/me"), 401, "unauthorized");
        assertTrue(other.logText().contains("The account hana no longer exists"), "server B said why");
        assertEquals(0, rowsOwnedBy("hana"), "her conversations were erased with her account, as asked");

        // a password changed on A: B closes the chat connections its browsers signed in with the old one
        created = rootOnA.post("api/admin/users", "{\"username\":\"kim\",\"password\":\"kim-password-1\"}",
                "application/json");
        assertEquals(201, created.statusCode(), created.body());
        SignedIn kimOnA = SignedIn.attempt(server.url(), "kim", "kim-password-1");
        SignedIn kimOnB = SignedIn.attempt(other.url(), "kim", "kim-password-1");
        try (WsClient kimsChat = kimOnB.connect()) {
            kimsChat.send("{\"type\":\"ping\"}");
            assertEquals("pong", kimsChat.next().getString("type"));
            assertEquals(204, kimOnA.send("PUT", "api/me/password",
                    "{\"current\":\"kim-password-1\",\"new\":\"kim-password-2\"}").statusCode());
            assertEquals(1008, kimsChat.awaitCloseCode(), "closed within the check's interval");
        }
        Deployments.assertProblem(kimOnB.get("api/me"), 401, "unauthorized");
        assertEquals(200, kimOnA.get("api/me").statusCode(), "the browser that changed it stays signed in");
    }

    /**
     * A server that starts beside another leaves the other's streaming answers alone; a server that is killed has
     * its answers marked interrupted by the others once its presence lapses. Before, every start marked every
     * streaming answer interrupted, the other server's live ones included (their text then stopped being saved).
     * A browser on the other server, which cannot resume the answer there, shows it growing from the database and
     * then interrupted: before, it showed the text of the moment it opened the conversation, for good.
     */
    @Test
    void aStartingServerLeavesTheOthersAnswersAloneAndMarksAKilledOnesInterrupted() throws Exception {
        upstream.on("ivy-endless", OpenAiSse.endless(20));
        server = start("cluster-a");
        SignedIn rootOnA = SignedIn.attempt(server.url(), "root", ADMIN_PASSWORD);
        try (WsClient streaming = rootOnA.connect()) {
            streaming.send("{\"content\":\"ivy-endless\"}");
            String conversation = streaming.next("start").getString("conversation_id");
            streaming.next("token");

            other = start("cluster-b");
            Thread.sleep(2500); // more than two of the servers' renewals
            JsonObject answer = answer(rootOnA, conversation);
            assertEquals("streaming", answer.getString("status"), "B's start left A's live answer alone");
            int saved = answer.getString("content").length();
            await().atMost(Duration.ofSeconds(10)).until(() -> answer(rootOnA, conversation)
                    .getString("content").length() > saved); // A still saves it

            ChromeDriver browser = Chromium.start();
            try {
                browser.get(other.url().toString());
                Chromium.signIn(browser, "root", ADMIN_PASSWORD);
                await().atMost(Duration.ofSeconds(20)).until(() -> "root".equals(browser.findElement(By.id("who"))
                        .getText()));
                browser.get(other.url() + "#" + conversation);
                // the page tries to resume the answer here, then shows it again from the database: its transcript
                // is replaced meanwhile, so a turn found may be gone (the waits below ignore WebDriver's errors)
                await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(WebDriverException.class)
                        .until(() -> "streaming".equals(browser.findElement(
                        By.cssSelector("li.turn.assistant")).getAttribute("data-state")));
                int shown = shownAnswer(browser).length();
                await().atMost(Duration.ofSeconds(15)).ignoreExceptionsInstanceOf(WebDriverException.class)
                        .until(() -> shownAnswer(browser).length() > shown);

                server.kill();
                SignedIn rootOnB = SignedIn.attempt(other.url(), "root", ADMIN_PASSWORD);
                await().atMost(Duration.ofSeconds(15)).until(() -> answer(rootOnB, conversation)
                        .getString("status").equals("interrupted"));
                assertTrue(other.logText().contains("stopped renewing its presence"), "server B said why");
                await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(WebDriverException.class)
                        .until(() -> "interrupted".equals(browser.findElement(
                        By.cssSelector("li.turn.assistant")).getAttribute("data-status")));
                assertEquals("Interrupted: the server stopped before this answer was finished.",
                        browser.findElement(By.cssSelector("li.turn.assistant .status")).getText());
            } finally {
                browser.quit();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.openStreams() == 0);
    }

    private static String shownAnswer(ChromeDriver browser) {
        return browser.findElement(By.cssSelector("li.turn.assistant .content")).getText();
    }

    private static JsonObject answer(SignedIn browser, String conversation) throws Exception {
        return browser.json("api/conversations/" + conversation).getJsonArray("messages").getJsonObject(1);
    }

    private PayaraProcess start(String name) throws Exception {
        return PayaraProcess.start(PayaraProcess.freePort(), name, Map.of(
                "duplex.server.name", name,
                "duplex.server.presence-ms", "1000",
                "duplex.history.save-interval-ms", "200",
                "duplex.auth.mode", "form",
                "duplex.auth.bootstrap-admin", "root",
                "duplex.auth.bootstrap-password", ADMIN_PASSWORD,
                "duplex.auth.account-check-ms", "1000",
                "duplex.data-dir", dataDir.toString(),
                "duplex.upstream.base-url", upstream.baseUrl(),
                "duplex.upstream.model", "gpt-test"));
    }
}
