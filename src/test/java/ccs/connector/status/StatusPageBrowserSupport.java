package ccs.connector.status;

import java.nio.file.Path;
import java.time.Duration;

import ccs.connector.support.Chromium;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The status page's tests in headless Chromium: the browser, and the page opened with the API key. */
abstract class StatusPageBrowserSupport extends ConnectorTestSupport {

    /** The API key of the connector under test ({@code connector.api-key}, set by each test's settings). */
    static final String KEY = "status-key-7f3a";

    WebDriver browser;
    WebDriverWait wait;

    @BeforeAll
    void startBrowser(@TempDir Path profile) {
        browser = Chromium.start(profile);
        // the page redraws its sections at every refresh: an element found just before one is stale, so look again
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    void openWithTheKey() {
        openWithTheKey(baseUrl() + "/status");
    }

    void openWithTheKey(String statusPage) {
        browser.get(statusPage);
        signIn(KEY);
        wait.until(page -> page.findElement(By.id("status")).isDisplayed());
    }

    void signIn(String key) {
        browser.findElement(By.id("key")).sendKeys(key);
        browser.findElement(By.cssSelector("#key-form button")).click();
    }

    String textOf(By element) {
        return wait.until(page -> page.findElement(element).getText());
    }

    /** The page's problem lines, once they name {@code text}. */
    String problemsNaming(String text) {
        return wait.until(page -> {
            String listed = page.findElement(By.id("problems")).getText();
            return listed.contains(text) ? listed : null;
        });
    }
}
