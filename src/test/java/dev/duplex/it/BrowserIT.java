package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The page in a real headless Chromium (Debian's), with Duplex's own demo model as the upstream, exactly as a
 * first-time user runs it: no key, no configuration but a slower demo token rate so Stop can be clicked.
 */
@ExtendWith(ArquillianExtension.class)
class BrowserIT {

    /** One client for the demo model's requests (a JDK client keeps a selector thread while it lives). */
    private static final java.net.http.HttpClient DEMO_CLIENT = java.net.http.HttpClient.newHttpClient();

    @ArquillianResource
    URL deployed;

    private ChromeDriver browser;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplex(Map.of("duplex.demo.token-interval-ms", "50",
                "duplex.resume.grace-ms", "60000",
                "duplex.upstream.models", "duplex-demo-large",
                "duplex.model.duplex-demo-large.display-name", "Demo large",
                "duplex.model.duplex-demo-large.price-input", "1000",
                "duplex.model.duplex-demo-large.price-output", "2000"));
    }

    @BeforeEach
    void openBrowser() throws IOException {
        browser = Chromium.start();
        browser.get(Deployments.base(deployed).toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(
                browser.findElement(By.id("connection-text")).getAttribute("data-state")));
        // the model catalogue (which also shows the demo notice) loads beside the socket: two models show a picker
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("model-picker")).isDisplayed());
    }

    @AfterEach
    void closeBrowser() throws IOException {
        try {
            Path shots = Path.of("target", "screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("chat.png"), browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
        Deployments.assertNothingLeftRunning(deployed, null);
    }

    @Test
    void aQuestionStreamsInTokenByTokenAndStopStopsIt() {
        assertTrue(browser.findElement(By.id("demo-notice")).isDisplayed(), "the demo notice is shown");

        WebElement input = browser.findElement(By.id("input"));
        input.sendKeys("What is Duplex?");
        input.sendKeys(Keys.ENTER);
        WebElement answer = assistantTurn(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> answerText(answer).length() > 5);
        String early = answerText(answer);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(answer.getAttribute("data-state")));
        String full = answerText(answer);
        assertTrue(full.startsWith("You asked: \u201CWhat is Duplex?\u201D"), full);
        assertTrue(early.length() < full.length(), "the answer grew while streaming: " + early);
        assertTrue(answer.findElement(By.className("status")).getText().startsWith("Done"));
        assertFalse(browser.findElement(By.id("typing")).isDisplayed(), "typing indicator gone after the end");
        assertEquals("What is Duplex?", browser.findElements(By.cssSelector("li.turn.user .content")).get(0).getText());

        input.sendKeys("ช่วยอธิบายเรื่องนี้ให้ยาวหน่อย");
        // the demo's first token can come before WebDriver could look: the page itself records the indicator shown
        browser.executeScript("const typing = document.getElementById('typing');"
                + "window.typingShown = false;"
                + "new MutationObserver(() => window.typingShown ||= getComputedStyle(typing).display !== 'none')"
                + ".observe(typing, {attributes: true});");
        browser.findElement(By.id("send")).click();
        WebElement second = assistantTurn(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> answerText(second).length() > 0);
        assertEquals(Boolean.TRUE, browser.executeScript("return window.typingShown;"),
                "typing indicator while waiting");
        // past the opening quote: the echoed Thai question has begun
        await().atMost(Duration.ofSeconds(10)).until(() -> answerText(second).length() > 15);
        WebElement stop = browser.findElement(By.id("stop"));
        assertTrue(stop.isDisplayed());
        stop.click();
        await().atMost(Duration.ofSeconds(10)).until(() -> "done".equals(second.getAttribute("data-state")));
        assertTrue(second.findElement(By.className("status")).getText().startsWith("Stopped"));
        String stopped = answerText(second);
        assertTrue(stopped.startsWith("คุณถามว่า \u201Cช่วย"), "a Thai answer, intact: " + stopped);
        assertFalse(stopped.endsWith("duplex.upstream.model"), "stopped before the end: " + stopped);
        assertTrue(browser.findElement(By.id("send")).isDisplayed());
        assertFalse(stop.isDisplayed());
        assertFalse(browser.findElement(By.id("typing")).isDisplayed(), "typing indicator gone after Stop");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> answerText(second).equals(stopped));
    }

    @Test
    void shiftEnterAddsALineAndModelTextIsNeverHtml() {
        WebElement input = browser.findElement(By.id("input"));
        input.sendKeys("<img src=x onerror=\"window.__xss=1\"><b>bold</b>");
        input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        input.sendKeys("<script>window.__xss=2</script>");
        assertTrue(browser.findElements(By.cssSelector("li.turn")).isEmpty(), "Shift+Enter did not send");
        input.sendKeys(Keys.ENTER);
        WebElement answer = assistantTurn(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(answer.getAttribute("data-state")));
        assertTrue(answerText(answer).contains("<img src=x onerror=\"window.__xss=1\"><b>bold</b> "
                + "<script>window.__xss=2</script>"), answerText(answer));
        assertTrue(browser.findElements(By.cssSelector("#transcript img, #transcript b, #transcript script"))
                .isEmpty(), "model text was rendered as HTML");
        assertNull(((JavascriptExecutor) browser).executeScript("return window.__xss"));
    }

    @Test
    void theDemoModelIsARealOpenAiCompatibleStream() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(
                        Deployments.base(deployed).resolve("demo/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"duplex-demo\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        var response = DEMO_CLIENT.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        String body = response.body();
        assertTrue(body.startsWith("data: {\"id\":\"chatcmpl-demo-"), body);
        assertTrue(body.contains("\"object\":\"chat.completion.chunk\""));
        assertTrue(body.contains("\"finish_reason\":\"stop\""));
        assertTrue(body.contains("\"usage\":{\"prompt_tokens\":"));
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);

        // every bad request gets an OpenAI-shaped 400 that names what is wrong
        assertDemoRejects("{\"messages\":[]}", "'messages' must contain a user message");
        assertDemoRejects("not json", "must be a JSON object");
        assertDemoRejects("[{\"role\":\"user\",\"content\":\"hi\"}]", "must be a JSON object");
        assertDemoRejects("{\"messages\":[{\"role\":\"user\",\"content\":[1]}],\"stream\":true}",
                "'messages' must contain a user message");
        assertDemoRejects("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "only streams");
        assertDemoRejects("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}", "only streams");
    }

    private void assertDemoRejects(String body, String reason) throws Exception {
        var response = DEMO_CLIENT.send(java.net.http.HttpRequest.newBuilder(
                        Deployments.base(deployed).resolve("demo/v1/chat/completions"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), body + " -> " + response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonObject error = Json.createReader(new java.io.StringReader(response.body())).readObject()
                .getJsonObject("error");
        assertEquals("invalid_request_error", error.getString("type"), response.body());
        assertTrue(error.getString("message").contains(reason), body + " -> " + response.body());
    }

    @Test
    void aDroppedConnectionCountsDownReconnectsByItselfAndKeepsWorking() throws Exception {
        try (TcpProxy proxy = new TcpProxy(deployed.getPort())) {
            browser.get("http://localhost:" + proxy.port() + Deployments.path(deployed));
            await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(connectionState()));

            proxy.cutAndRefuse();
            await().atMost(Duration.ofSeconds(10)).until(() -> "waiting".equals(connectionState()));
            WebElement status = browser.findElement(By.id("connection-text"));
            assertTrue(status.getText().matches("Disconnected: reconnecting in \\d+ s"), status.getText());
            assertTrue(browser.findElement(By.id("reconnect-now")).isDisplayed(), "a way to retry at once");
            // attempts keep failing while the network is down, and the page keeps saying so
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> !"open".equals(connectionState()));
            assertTrue(status.getText().startsWith("Disconnected") || "connecting".equals(connectionState()));

            proxy.acceptAgain();
            WebElement reconnectNow = browser.findElement(By.id("reconnect-now"));
            try {
                reconnectNow.click();
            } catch (org.openqa.selenium.ElementNotInteractableException reconnectedFirst) {
                // the page's own retry got there between acceptAgain and the click: the button is hidden again
                assertFalse(reconnectNow.isDisplayed(), "the button hides once a retry is under way");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(connectionState()));
            assertEquals("Connected", status.getText());

            WebElement input = browser.findElement(By.id("input"));
            input.sendKeys("Still there?");
            input.sendKeys(Keys.ENTER);
            WebElement answer = assistantTurn(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(answer.getAttribute("data-state")));
            assertTrue(answerText(answer).startsWith("You asked: \u201CStill there?\u201D"));

            proxy.cutAndRefuse();
            proxy.acceptAgain();
            await().atMost(Duration.ofSeconds(30)).until(() -> "open".equals(connectionState()));
        }
    }

    @Test
    void anAnswerCutMidStreamContinuesWhereItStoppedOnceReconnected() throws Exception {
        try (TcpProxy proxy = new TcpProxy(deployed.getPort())) {
            browser.get("http://localhost:" + proxy.port() + Deployments.path(deployed));
            await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(connectionState()));
            ask("Please keep going after the cut");
            WebElement answer = assistantTurn(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> answerText(answer).length() > 20);

            proxy.cutAndRefuse();
            String atCut = answerText(answer).strip(); // rendered Markdown ends with a line break
            await().atMost(Duration.ofSeconds(10)).until(() -> "waiting".equals(connectionState()));
            assertEquals("Connection lost: the answer continues once reconnected…",
                    answer.findElement(By.className("status")).getText());
            assertFalse("done".equals(answer.getAttribute("data-state")), "cut in the middle of the answer");
            assertTrue(browser.findElement(By.id("stop")).isDisplayed(), "still answering, so Stop stays");

            proxy.acceptAgain();
            await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(answer.getAttribute("data-state")));
            String whole = answerText(answer);
            assertTrue(answer.findElement(By.className("status")).getText().startsWith("Done"),
                    answer.findElement(By.className("status")).getText());
            assertTrue(whole.startsWith(atCut) && whole.length() > atCut.length(), "it went on: " + whole);

            // what the page put together is exactly the answer the server stored, with no gap or repeat
            browser.navigate().refresh();
            await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(connectionState()));
            await().atMost(Duration.ofSeconds(10)).until(() -> !answerText(assistantTurn(1)).isEmpty());
            assertEquals(answerText(assistantTurn(1)), whole);
        }
    }

    @Test
    void reloadingThePageMidAnswerShowsTheAnswerGoOnLive() {
        ask("Keep answering while I reload");
        WebElement answer = assistantTurn(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> answerText(answer).length() > 20);
        browser.navigate().refresh();
        await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(connectionState()));
        WebElement resumed = assistantTurn(1);
        // still being written when the page came back: shown as answering, then growing to its end
        assertEquals("Answering\u2026", resumed.findElement(By.className("status")).getText());
        String early = answerText(resumed);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(resumed.getAttribute("data-state")));
        assertTrue(resumed.findElement(By.className("status")).getText().startsWith("Done"));
        String whole = answerText(resumed);
        assertTrue(whole.startsWith("You asked: \u201CKeep answering while I reload\u201D"), whole);
        assertTrue(whole.length() > early.length(), "it grew after the reload");

        browser.navigate().refresh();
        await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(connectionState()));
        await().atMost(Duration.ofSeconds(10)).until(() -> answerText(assistantTurn(1)).equals(whole));
    }

    private String connectionState() {
        return browser.findElement(By.id("connection-text")).getAttribute("data-state");
    }

    @Test
    void thePickedModelAnswersAndTheAnswerSaysWhoAndAtWhatCost() {
        Select picker = new Select(browser.findElement(By.id("model")));
        assertTrue(browser.findElement(By.id("model-picker")).isDisplayed(), "two models: the picker is shown");
        assertEquals(List.of("duplex-demo", "Demo large"),
                picker.getOptions().stream().map(WebElement::getText).toList());
        picker.selectByVisibleText("Demo large");
        WebElement input = browser.findElement(By.id("input"));
        input.sendKeys("Hi");
        input.sendKeys(Keys.ENTER);
        WebElement answer = assistantTurn(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(answer.getAttribute("data-state")));
        String status = answer.findElement(By.className("status")).getText();
        assertTrue(status.startsWith("Done") && status.endsWith(" USD · duplex-demo-large"), status);
    }

    @Test
    void conversationsAreListedSwitchedKeptOverAReloadAndRenderedAsSafeMarkdown() {
        ask("Show `inline code` and **bold** please");
        WebElement first = assistantTurn(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(first.getAttribute("data-state")));
        assertEquals("inline code", first.findElement(By.cssSelector(".content code")).getText());
        assertEquals("bold", first.findElement(By.cssSelector(".content strong")).getText());
        String firstId = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf('#') + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> sidebarTitles().equals(
                List.of("Show `inline code` and **bold** please")));

        browser.findElement(By.id("new-chat")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElements(By.cssSelector("li.turn")).isEmpty());
        ask("[click me](javascript:window.__xss=3) second chat");
        WebElement second = assistantTurn(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(second.getAttribute("data-state")));
        for (WebElement link : browser.findElements(By.cssSelector("#transcript a"))) {
            String href = link.getAttribute("href");
            assertTrue(href == null || !href.startsWith("javascript"), "a script link survived: " + href);
            link.click();
        }
        assertNull(((JavascriptExecutor) browser).executeScript("return window.__xss"));
        await().atMost(Duration.ofSeconds(5)).until(() -> sidebarTitles().size() == 2);
        assertEquals("[click me](javascript:window.__xss=3) second chat", sidebarTitles().get(0), "newest first");

        browser.findElements(By.cssSelector("#conversations li .open")).get(1).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("#" + firstId));
        await().atMost(Duration.ofSeconds(5)).until(() -> userTexts().equals(
                List.of("Show `inline code` and **bold** please")));
        WebElement stored = assistantTurn(1);
        assertEquals("inline code", stored.findElement(By.cssSelector(".content code")).getText());
        assertTrue(stored.findElement(By.className("status")).getText().startsWith("Done"));

        // each conversation downloads as Markdown, with this browser's own identity
        WebElement download = browser.findElement(By.cssSelector("#conversations li[data-id='" + firstId
                + "'] a.export"));
        String href = download.getAttribute("href");
        assertTrue(href.endsWith("api/conversations/" + firstId + "/export?format=md"), href);
        assertEquals("", download.getAttribute("download"), "a download, not a page to leave for");
        String markdown = (String) ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[1];"
                + " fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));", href);
        assertTrue(markdown.contains("Show `inline code` and **bold** please") && markdown.contains("inline code"),
                markdown);

        browser.navigate().refresh();
        await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(
                browser.findElement(By.id("connection-text")).getAttribute("data-state")));
        await().atMost(Duration.ofSeconds(5)).until(() -> userTexts().equals(
                List.of("Show `inline code` and **bold** please")));
        assertTrue(answerText(assistantTurn(1)).startsWith("You asked: \u201CShow inline code and bold please"),
                answerText(assistantTurn(1)));
        assertEquals(2, sidebarTitles().size(), "the reload kept both conversations");

        ask("A follow-up");
        WebElement followUp = assistantTurn(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(followUp.getAttribute("data-state")));
        followUp.findElement(By.className("regenerate")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(
                By.cssSelector("li.turn.assistant")).size() == 2 && !"done".equals(assistantTurn(2)
                .getAttribute("data-state")));
        await().atMost(Duration.ofSeconds(30)).until(() -> "done".equals(assistantTurn(2).getAttribute("data-state")));
        browser.navigate().refresh();
        await().atMost(Duration.ofSeconds(10)).until(() -> userTexts().size() == 2);
        assertEquals(2, browser.findElements(By.cssSelector("li.turn.assistant")).size(),
                "the regenerated answer replaced the old one");

        WebElement secondItem = browser.findElements(By.cssSelector("#conversations li")).get(1);
        secondItem.findElement(By.className("delete")).click();
        browser.switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(5)).until(() -> sidebarTitles().size() == 1);
    }

    private void ask(String question) {
        WebElement input = browser.findElement(By.id("input"));
        input.sendKeys(question);
        input.sendKeys(Keys.ENTER);
    }

    private List<String> sidebarTitles() {
        return browser.findElements(By.cssSelector("#conversations li .open")).stream().map(WebElement::getText)
                .toList();
    }

    private List<String> userTexts() {
        return browser.findElements(By.cssSelector("li.turn.user .content")).stream().map(WebElement::getText)
                .toList();
    }

    private WebElement assistantTurn(int n) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> browser.findElements(By.cssSelector("li.turn.assistant")).size() >= n);
        List<WebElement> turns = browser.findElements(By.cssSelector("li.turn.assistant"));
        return turns.get(n - 1);
    }

    /** The streamed text of an assistant turn, without its status line. */
    private String answerText(WebElement turn) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return arguments[0].firstChild ? arguments[0].firstChild.textContent : ''", turn);
    }
}
