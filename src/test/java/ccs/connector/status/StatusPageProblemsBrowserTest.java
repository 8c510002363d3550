package ccs.connector.status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.Chromium;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page's problem lines in headless Chromium name what the connector found, not a fixed text: a CRM that
 * takes connections and answers 503 while its events are tried again (retries on, unlike {@link StatusPageBrowserTest}).
 */
class StatusPageProblemsBrowserTest extends ConnectorTestSupport {

    private static final String KEY = "status-key-9c1e";

    private RecordingHttpServer crm;
    private WebDriver browser;
    private WebDriverWait wait;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.api-key", KEY);
        // the event waits in its retries while the CRM answers 503, so check crm-sink stays down meanwhile
        settings.setProperty("crm.retry.max-retries", "8");
        settings.setProperty("crm.retry.initial-delay", "2s");
        settings.setProperty("crm.retry.max-delay", "10s");
        settings.setProperty("connector.health.cache", "1s");
    }

    @BeforeAll
    void startBrowser(@TempDir Path profile) {
        browser = Chromium.start(profile);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aCrmThatAnswers503IsNamedAsSuchNotAsACrmThatDoesNotAnswer() throws Exception {
        crm.answerWhen(request -> String.valueOf(request.header("Idempotency-Key")).contains("status-page-503-"), Answer.status(503));
        CloudEvent event = hangupEvent("status-page-503-1");
        try {
            publish(event);
            openWithTheKey();

            String problems = wait.until(page -> {
                String listed = page.findElement(By.id("problems")).getText();
                return listed.contains("HTTP 503") ? listed : null;
            });
            assertThat(problems).contains("The CRM: the CRM failed the latest delivery, which is tried again: HTTP 503")
                    .doesNotContain("does not answer");
            assertThat(browser.findElement(By.id("crm")).getText()).contains("HTTP 503").doesNotContain("DOES NOT ANSWER");
        } finally {
            crm.clearRules();
        }
        delivered(crm, event.getId());
        wait.until(page -> !page.findElement(By.id("problems")).getText().contains("CRM"));
    }

    private void openWithTheKey() {
        browser.get(baseUrl() + "/status");
        browser.findElement(By.id("key")).sendKeys(KEY);
        browser.findElement(By.cssSelector("#key-form button")).click();
        wait.until(page -> page.findElement(By.id("status")).isDisplayed());
    }
}
