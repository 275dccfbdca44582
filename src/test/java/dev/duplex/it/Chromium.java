package dev.duplex.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** A real headless Chromium (Debian's, with its chromedriver), in a profile of its own. */
final class Chromium {

    private Chromium() {
    }

    /** Chromium with Debian's defaults for tests, and {@code arguments} of the caller's. */
    static ChromeDriver start(String... arguments) throws IOException {
        Path profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "duplex-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(System.getProperty("duplex.chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--lang=en-US",
                        "--window-size=1200,900", "--user-data-dir=" + profile)
                .addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver")))
                .build();
        return new ChromeDriver(service, options);
    }

    /** Signs in with the form once the browser is on the sign-in page. */
    static void signIn(ChromeDriver browser, String username, String password) {
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().contains("/login.html"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
    }

    /** Asks {@code question} on the chat page once it is connected; the answer's text once it is done. */
    static String ask(ChromeDriver browser, String question) {
        await().atMost(Duration.ofSeconds(20)).until(() -> "open".equals(
                browser.findElement(By.id("connection-text")).getAttribute("data-state")));
        int answers = browser.findElements(By.cssSelector("li.turn.assistant")).size();
        WebElement input = browser.findElement(By.id("input"));
        input.sendKeys(question);
        input.sendKeys(Keys.ENTER);
        await().atMost(Duration.ofSeconds(20)).until(() -> browser
                .findElements(By.cssSelector("li.turn.assistant[data-state=done]")).size() == answers + 1);
        List<WebElement> done = browser.findElements(By.cssSelector("li.turn.assistant .content"));
        return done.get(done.size() - 1).getText();
    }
}
