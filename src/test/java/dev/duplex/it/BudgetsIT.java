package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-user budgets: a generation reserves the model's longest answer before the call, so messages that race
 * cannot together spend more than the budget, and settles with the provider's real usage when it ends.
 */
@ExtendWith(ArquillianExtension.class)
class BudgetsIT {

    @RegisterExtension
    static final FakeUpstream UPSTREAM = FakeUpstream.startUnchecked();

    @ArquillianResource
    URL deployed;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of(
                "duplex.upstream.base-url", UPSTREAM.baseUrl(),
                "duplex.upstream.model", "gpt-test",
                "duplex.upstream.models", "gpt-test, gpt-priced",
                "duplex.model.gpt-test.max-output-tokens", "100",
                "duplex.model.gpt-priced.max-output-tokens", "100",
                "duplex.model.gpt-priced.price-input", "1000",
                "duplex.model.gpt-priced.price-output", "2000",
                "duplex.limits.tokens-per-day", "1000",
                "duplex.limits.cost-per-month", "0.05"));
    }


    @AfterEach
    void nothingLeftRunning() {
        Deployments.assertNothingLeftRunning(deployed, UPSTREAM);
    }

    @Test
    void twentyRacingMessagesNeverReserveMoreThanTheBudgetAndEndedOnesGiveItBack() throws Exception {
        UPSTREAM.on("race", OpenAiSse.tokens(List.of("a", "b"), 1500));
        Browser browser = new Browser(deployed);
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                clients.add(browser.connect());
            }
            // "race NN" is 7 characters, 3 estimated tokens: each message reserves 3 + 100, so 9 fit in 1000
            for (int i = 0; i < 20; i++) {
                clients.get(i).send(String.format("{\"content\":\"race %02d\"}", i));
            }
            int started = 0;
            int refused = 0;
            for (WsClient client : clients) {
                JsonObject first = client.next();
                if (first.getString("type").equals("start")) {
                    started++;
                    List<JsonObject> frames = client.untilTerminal();
                    assertEquals("end", frames.get(frames.size() - 1).getString("type"));
                } else {
                    assertEquals("budget_exceeded", first.getString("code"), first.toString());
                    assertTrue(first.getJsonNumber("retry_after_ms").longValue() > 0);
                    refused++;
                }
            }
            assertEquals(9, started, "exactly what the budget covers started");
            assertEquals(11, refused);

            // settled: 9 x (11 input + 2 output) used, nothing reserved; another message fits again
            clients.get(0).send("{\"content\":\"race again\"}");
            clients.get(0).next("start");
            clients.get(0).untilTerminal();

            // what the user sees of it: 10 x 13 used, nothing reserved once all have ended, the rest, the renewal
            await().atMost(Duration.ofSeconds(10)).until(() -> budget(browser, 0).getJsonNumber("reserved")
                    .intValue() == 0);
            JsonObject tokens = budget(browser, 0);
            assertEquals("tokens-per-day", tokens.getString("name"));
            assertEquals(1000, tokens.getJsonNumber("limit").intValue());
            assertEquals(130, tokens.getJsonNumber("used").intValue(), tokens.toString());
            assertEquals(870, tokens.getJsonNumber("remaining").intValue(), tokens.toString());
            assertEquals(LocalDate.now(ZoneOffset.UTC).plusDays(1) + "T00:00:00Z", tokens.getString("renews_at"));
            assertFalse(tokens.containsKey("currency"));
            JsonObject cost = budget(browser, 1);
            assertEquals("cost-per-month", cost.getString("name"));
            assertEquals(new BigDecimal("0.05"), cost.getJsonNumber("limit").bigDecimalValue());
            assertEquals(0, cost.getJsonNumber("used").bigDecimalValue().signum(), "gpt-test has no prices");
            assertEquals("USD", cost.getString("currency"));
            assertEquals(LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1) + "T00:00:00Z",
                    cost.getString("renews_at"));
            assertEquals(0, new Browser(deployed).getJson("me/budgets").getJsonArray("budgets").getJsonObject(0)
                    .getJsonNumber("used").intValue(), "another browser's budget is its own");
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static JsonObject budget(Browser browser, int index) {
        return browser.getJson("me/budgets").getJsonArray("budgets").getJsonObject(index);
    }

    @Test
    void aCostBudgetRefusesAModelWhoseLongestAnswerItCannotPay() throws Exception {
        UPSTREAM.on("priced", OpenAiSse.tokens(List.of("ok"), 0));
        try (WsClient client = new Browser(deployed).connect()) {
            // 100 output tokens at 2000 per million: 0.2 reserved, more than 0.05 a month
            client.send("{\"content\":\"priced\",\"model\":\"gpt-priced\"}");
            JsonObject refused = client.next("error");
            assertEquals("budget_exceeded", refused.getString("code"));
            assertTrue(refused.getString("message").contains("0.05 USD a month"), refused.toString());
            client.send("{\"content\":\"priced but free\"}");
            client.next("start");
            assertEquals("ok", WsClient.text(client.untilTerminal()));
        }
    }
}
