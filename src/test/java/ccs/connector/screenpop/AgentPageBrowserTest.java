package ccs.connector.screenpop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent page in headless Chromium (Debian's chromium and chromium-driver, which bash .ci/run
 * installs), against the connector and the simulator's fake softphone over real HTTP.
 */
class AgentPageBrowserTest extends ConnectorTestSupport {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String AGENT = "zeynep.demir@demo.example";

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void startBrowser(@TempDir Path profile) {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("this test needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver "
                        + "(bash .ci/run installs them)").isTrue();
        // the driver and the browser are named, so Selenium Manager never looks for (or downloads) either
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
        browser = new ChromeDriver(driver, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void openTheAgentPage() {
        browser.switchTo().defaultContent();
        browser.get(baseUrl() + "/agent?agentEmail=" + AGENT);
        wait.until(page -> activity().contains("Softphone registered"));
    }

    @Test
    void theSoftphoneIsTheAgentsSsoPageWithTheMicrophoneAllowed() {
        WebElement softphone = browser.findElement(By.id("softphone"));

        assertThat(softphone.getAttribute("allow")).contains("microphone");
        assertThat(softphone.getAttribute("src")).startsWith(simulator().softphoneUrl() + "?tenant=demo&session=");
        browser.switchTo().frame(softphone);
        assertThat(browser.findElement(By.id("agent")).getText()).isEqualTo(AGENT);
    }

    @Test
    void anIncomingCallPopsTheCallersContactCard() {
        ring("0532 123 45 67", false);

        WebElement card = wait.until(page -> page.findElements(By.cssSelector("#contacts .contact")).stream().findFirst().orElse(null));
        assertThat(card.findElement(By.className("contact-name")).getText()).isEqualTo("Elif Şahin");
        assertThat(card.findElement(By.className("contact-company")).getText()).isEqualTo("Anadolu Tekstil A.Ş.");
        assertThat(card.findElement(By.className("contact-phone")).getText()).isEqualTo("+90 532 123 45 67");
        assertThat(card.findElement(By.className("contact-link")).getAttribute("href")).isEqualTo("https://crm.example.com/contacts/C-1001");
        assertThat(browser.findElement(By.id("call")).getText()).contains("+905321234567");
    }

    @Test
    void aMaskedCallIsLookedUpByItsCallKeyWithoutShowingTheNumber() {
        simulator().clearRequests();
        ring("0533 765 43 21", true);

        WebElement card = wait.until(page -> page.findElements(By.cssSelector("#contacts .contact")).stream().findFirst().orElse(null));
        assertThat(card.findElement(By.className("contact-name")).getText()).isEqualTo("Burak Öztürk");
        assertThat(browser.findElement(By.id("call")).getText()).contains("masked").doesNotContain("7654321");
        assertThat(simulator().requests("getactivecall")).isNotEmpty();
    }

    @Test
    void aCallerTheCrmDoesNotKnowIsShownAsUnknown() {
        ring("0532 999 88 77", false);

        wait.until(page -> page.findElement(By.id("call")).getText().startsWith("Unknown caller"));
        assertThat(browser.findElements(By.cssSelector("#contacts .contact"))).isEmpty();
    }

    @Test
    void anUnknownSoftphoneMessageIsLoggedAndIgnored() {
        browser.switchTo().frame(browser.findElement(By.id("softphone")));
        browser.findElement(By.id("emit-unknown")).click();
        browser.switchTo().defaultContent();

        wait.until(page -> activity().contains("Ignored softphone message AgentStatus"));
        assertThat(browser.findElement(By.id("call")).getText()).isEqualTo("No call yet.");
    }

    @Test
    void anIncomingCallPostedFromAnotherOriginIsIgnored() throws Exception {
        try (RecordingHttpServer stranger = new RecordingHttpServer()) {
            stranger.thenAnswer(new Answer(200, """
                    <!DOCTYPE html><script>
                    window.parent.postMessage(JSON.stringify({messageType: 'IncomingCall', callerid: '05321234567',
                        activecallkey: 'ahRzfmForged'}), '*');
                    </script>""", Map.of("Content-Type", "text/html"), Duration.ZERO));
            String strangerOrigin = stranger.url("");
            ((JavascriptExecutor) browser).executeScript(
                    "var frame = document.createElement('iframe'); frame.src = arguments[0]; document.body.appendChild(frame);",
                    stranger.url("/forged-softphone"));
            ((JavascriptExecutor) browser).executeScript(
                    "window.postMessage(JSON.stringify({messageType: 'IncomingCall', callerid: '05321234567'}), '*');");

            wait.until(page -> activity().contains("Ignored a message from " + strangerOrigin + ": not the softphone"));
            wait.until(page -> activity().contains("Ignored a message from " + baseUrl() + ": not the softphone"));
            assertThat(browser.findElement(By.id("call")).getText()).isEqualTo("No call yet.");
            assertThat(browser.findElements(By.cssSelector("#contacts .contact"))).isEmpty();
            assertThat(stranger.received()).extracting(RecordingHttpServer.Received::path).contains("/forged-softphone");
        }
    }

    /** Rings the agent through the fake softphone, as a caller would. */
    private void ring(String caller, boolean masked) {
        browser.switchTo().frame(browser.findElement(By.id("softphone")));
        WebElement number = browser.findElement(By.id("caller"));
        number.clear();
        number.sendKeys(caller);
        WebElement maskedBox = browser.findElement(By.id("masked"));
        if (maskedBox.isSelected() != masked) {
            maskedBox.click();
        }
        browser.findElement(By.id("ring")).click();
        browser.switchTo().defaultContent();
    }

    private String activity() {
        List<WebElement> lines = browser.findElements(By.cssSelector("#activity li"));
        return String.join("\n", lines.stream().map(WebElement::getText).toList());
    }
}
