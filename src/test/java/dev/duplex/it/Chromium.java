package dev.duplex.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** A real headless Chromium (Debian's, with its chromedriver), in a profile of its own. */
final class Chromium {

    private Chromium() {
    }

    static ChromeDriver start() throws IOException {
        Path profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "duplex-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(System.getProperty("duplex.chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--lang=en-US",
                        "--window-size=1200,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver")))
                .build();
        return new ChromeDriver(service, options);
    }
}
