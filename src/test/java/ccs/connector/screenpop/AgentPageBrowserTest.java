package ccs.connector.screenpop;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.simulator.Fault;
import ccs.connector.support.Chromium;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent page in headless Chromium (Debian's chromium and chromium-driver, which bash .ci/run
 * installs), against the connector and the simulator's fake softphone over real HTTP.
 */
class AgentPageBrowserTest extends ConnectorTestSupport {

    private static final String AGENT = "zeynep.demir@demo.example";
    private static final String OTHER_AGENT = "mehmet.kaya@demo.example";

    private WebDriver browser;
    private WebDriverWait wait;
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("ccs.tenants", "demo,beta");
        // every test opens the page for one agent again, each opening a softphone URL: more than a real agent's page asks
        // for in a minute
        settings.setProperty("connector.agent-page.softphone-urls-per-minute", "1000");
        // a platform that throttles holds the tenant's requests back this long (its circuit), and the page is told so
        settings.setProperty("ccs.click2call.circuit-cool-down", "2s");
    }

    @BeforeAll
    void startBrowser(@TempDir Path profile) {
        browser = Chromium.start(profile);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Opens the page as the CRM would: through a signed link it asked for with its API key. */
    @BeforeEach
    void openTheAgentPage() throws Exception {
        browser.switchTo().defaultContent();
        HttpResponse<String> link = post("/api/v1/agent-links", "application/json", "{\"agentEmail\": \"" + AGENT + "\"}");
        assertThat(link.statusCode()).as(link.body()).isEqualTo(200);
        browser.get(new ObjectMapper().readTree(link.body()).get("url").asText());
        wait.until(page -> activity().contains("Softphone registered"));
    }

    @Test
    void theLinkLeavesTheAddressBarAndTheSessionAndNumberStayOutOfTheActivityList() {
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl() + "/agent");
        assertThat(browser.findElement(By.id("agent")).getText()).isEqualTo(AGENT);
        ring("0532 123 45 67", false);

        wait.until(page -> !page.findElements(By.cssSelector("#contacts .contact")).isEmpty());
        assertThat(activity()).contains("Incoming call from ...4567").doesNotContain("532 123", "5321234567", "session");
    }

    @Test
    void anotherBrowserWithoutTheLinkGetsNeitherTheSoftphoneNorAScreenPop(@TempDir Path profile) {
        WebDriver stranger = Chromium.start(profile);
        try {
            stranger.get(baseUrl() + "/agent");
            assertThat(stranger.findElements(By.id("softphone"))).isEmpty();
            assertThat(stranger.getPageSource()).contains("signed link");
            Object softphone = ((JavascriptExecutor) stranger).executeAsyncScript(
                    "fetch('/agent/softphone-url').then(r => arguments[arguments.length - 1](r.status));");
            Object screenPop = ((JavascriptExecutor) stranger).executeAsyncScript("fetch('/agent/screen-pop', {method: 'POST', "
                    + "headers: {'Content-Type': 'application/json'}, body: JSON.stringify({phone: '05321234567'})})"
                    + ".then(r => arguments[arguments.length - 1](r.status));");
            assertThat(List.of(softphone, screenPop)).containsOnly(401L);
        } finally {
            stranger.quit();
        }
    }

    @Test
    void thePageOpenedWithATrailingSlashFindsItsDoorsToo() throws Exception {
        HttpResponse<String> link = post("/api/v1/agent-links", "application/json", "{\"agentEmail\": \"" + AGENT + "\"}");
        browser.get(new ObjectMapper().readTree(link.body()).get("url").asText().replace("/agent?", "/agent/?"));
        wait.until(page -> activity().contains("Softphone registered"));
        ring("0532 123 45 67", false);
        wait.until(page -> !page.findElements(By.cssSelector("#contacts .contact")).isEmpty());
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

    @ParameterizedTest
    @ValueSource(strings = {"caller_id", "cli"})
    void theCallersNumberIsFoundUnderTheUsualFieldNames(String field) {
        ring("0532 123 45 67", false, field);

        WebElement card = wait.until(page -> page.findElements(By.cssSelector("#contacts .contact")).stream().findFirst().orElse(null));
        assertThat(card.findElement(By.className("contact-name")).getText()).isEqualTo("Elif Şahin");
    }

    /** A softphone build that posts objects rather than JSON strings still pops the card. */
    @Test
    void anIncomingCallPostedAsAnObjectPopsTheCardToo() {
        browser.switchTo().frame(browser.findElement(By.id("softphone")));
        ((JavascriptExecutor) browser).executeScript("window.parent.postMessage({messageType: 'IncomingCall', callerid: '0532 123 45 67'}, '*');");
        browser.switchTo().defaultContent();

        WebElement card = wait.until(page -> page.findElements(By.cssSelector("#contacts .contact")).stream().findFirst().orElse(null));
        assertThat(card.findElement(By.className("contact-name")).getText()).isEqualTo("Elif Şahin");
    }

    /** Another window posting to the page for a whole shift fills its activity list no further than its latest lines. */
    @Test
    void theActivityListKeepsItsLatestLinesOnly() {
        ((JavascriptExecutor) browser).executeScript("for (var i = 0; i < 500; i++) { window.postMessage('flood ' + i, '*'); }");
        // after the flood, in the order posted
        postFromTheSoftphone("{messageType: 'FloodEnd'}");

        wait.until(page -> page.findElement(By.cssSelector("#activity li")).getText().contains("Ignored softphone message FloodEnd"));
        assertThat(activity()).contains("Ignored a message from " + baseUrl() + ": not the softphone");
        assertThat(browser.findElements(By.cssSelector("#activity li"))).hasSize(200);
    }

    @Test
    void anIncomingCallOfAnUnknownShapeIsNotedAndIgnored() {
        postFromTheSoftphone("{messageType: 'IncomingCall', telefon: '05321234567'}");

        wait.until(page -> activity().contains("Ignored an IncomingCall without a number or a call key"));
        assertThat(browser.findElement(By.id("call")).getText()).isEqualTo("No call yet.");
    }

    @Test
    void anIncomingCallOfAnUnknownShapeGoesToTheConsoleWithoutItsSecretsOrDigits() {
        // observed only: the page's own console.debug, as a developer's console would show it
        ((JavascriptExecutor) browser).executeScript(
                "window.debugged = []; console.debug = function () { window.debugged.push([].slice.call(arguments).join(' ')); };");
        postFromTheSoftphone("{messageType: 'IncomingCall', telefon: '05321234567', arayan: '0532 765 43 21', session: 'live-session-of-the-agent', "
                + "sso: {accessToken: 'token-of-the-softphone'}, ssoUrl: 'https://softphone.example/sso/?tenant=demo&session=live-session-in-a-url', "
                + "auth: {sid: 'session-in-an-object'}, link: '/sso/?session=session-in-a-relative-url', "
                + "dial: 'https://agent:pa55word-in-a-url@softphone.example/dial'}");

        wait.until(page -> activity().contains("Ignored an IncomingCall without a number or a call key"));
        String debugged = String.valueOf(((JavascriptExecutor) browser).executeScript("return window.debugged.join('\\n');"));
        assertThat(debugged).contains("IncomingCall", "\"session\":\"***\"", "\"accessToken\":\"***\"", "\"telefon\":\"*********67\"",
                        "\"arayan\":\"**** *** ** 21\"", "\"ssoUrl\":\"https://softphone.example/...\"", "\"auth\":\"***\"",
                        "\"link\":\"/sso/?session=***\"", "\"dial\":\"https://softphone.example/...\"")
                .doesNotContain("live-session-of-the-agent", "token-of-the-softphone", "live-session-in-a-url", "5321234567", "765",
                        "session-in-an-object", "session-in-a-relative-url", "pa55word");
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
    void aScreenPopAnswered503WithRetryAfterIsAskedAgainAndTheCardShown() {
        // Call Center Studio throttles the call's lookup once (Retry-After: 1): the door answers 503 with a Retry-After, the
        // tenant's circuit's cool-down, for which it holds the tenant's requests back
        simulator().inject(Fault.throttle("getactivecall", 1, 1));
        ring("0533 765 43 21", true);

        WebElement card = wait.until(page -> page.findElements(By.cssSelector("#contacts .contact")).stream().findFirst().orElse(null));
        assertThat(card.findElement(By.className("contact-name")).getText()).isEqualTo("Burak Öztürk");
        assertThat(activity()).contains("The connector is busy: agent/screen-pop is asked again in 2 s");
    }

    @Test
    void aCallerTheCrmDoesNotKnowIsShownAsUnknown() {
        ring("0532 999 88 77", false);

        wait.until(page -> page.findElement(By.id("call")).getText().startsWith("Unknown caller"));
        assertThat(browser.findElements(By.cssSelector("#contacts .contact"))).isEmpty();
    }

    @Test
    void anAgentStatusFromTheSoftphoneReachesTheCrmAsAnEvent() {
        browser.switchTo().frame(browser.findElement(By.id("softphone")));
        new Select(browser.findElement(By.id("agent-status"))).selectByVisibleText("lunch");
        browser.findElement(By.id("send-status")).click();
        browser.switchTo().defaultContent();

        wait.until(page -> activity().contains("Agent status lunch sent to the CRM"));
        JsonNode event = wait.until(page -> agentStatusEvents().stream().filter(e -> e.at("/data/status").asText().equals("lunch"))
                .findFirst().orElse(null));
        assertThat(event.get("id").asText()).startsWith("demo:ccs.agent.status:" + AGENT + ":");
        assertThat(event.at("/data/agent").asText()).isEqualTo(AGENT);
    }

    /** Another agent's link opened in this browser replaces the cookie: the page still open says so, as no other agent. */
    @Test
    void aPageLeftOpenAfterAnotherAgentsLinkWasOpenedInTheBrowserActsForNoOtherAgent() throws Exception {
        assertActsForNoOtherOnceALinkIsOpenedBeside("{\"agentEmail\": \"" + OTHER_AGENT + "\"}", "meeting", "agent");
    }

    /** The same agent's link of another tenant opened in this browser: the page still open acts for no other tenant. */
    @Test
    void aPageLeftOpenAfterTheAgentsLinkOfAnotherTenantWasOpenedInTheBrowserActsForNoOtherTenant() throws Exception {
        assertActsForNoOtherOnceALinkIsOpenedBeside("{\"agentEmail\": \"" + AGENT + "\", \"tenant\": \"beta\"}", "coaching", "tenant");
    }

    /**
     * Opens the link that {@code linkRequest} asks for in a tab beside this page, closes it, and has the page still open
     * forward {@code status} and pop a call: both refused as {@code whose} ("agent", "tenant") is another.
     */
    private void assertActsForNoOtherOnceALinkIsOpenedBeside(String linkRequest, String status, String whose) throws Exception {
        String pageOfAgent = browser.getWindowHandle();
        HttpResponse<String> link = post("/api/v1/agent-links", "application/json", linkRequest);
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(new ObjectMapper().readTree(link.body()).get("url").asText());
        wait.until(page -> activity().contains("Softphone registered"));
        browser.close();
        browser.switchTo().window(pageOfAgent);

        postFromTheSoftphone("{messageType: 'AgentStatus', agentStatus: '" + status + "'}");
        ring("0532 123 45 67", false);

        String refusal = "this agent page was opened for another " + whose;
        wait.until(page -> activity().contains("Agent status " + status + " not sent to the CRM: " + refusal));
        wait.until(page -> page.findElement(By.id("call")).getText().contains(refusal));
        assertThat(browser.findElements(By.cssSelector("#contacts .contact"))).isEmpty();
        assertThat(agentStatusEvents()).noneMatch(event -> event.at("/data/status").asText().equals(status));
    }

    @Test
    void anAgentStatusIsReadUnderTheUsualFieldNamesWithTheSoftphonesTime() {
        postFromTheSoftphone("{messageType: 'AgentStatus', agentStatus: 'training', timestamp: 1764493200000, session: 'abc123'}");

        JsonNode event = wait.until(page -> agentStatusEvents().stream().filter(e -> e.at("/data/status").asText().equals("training"))
                .findFirst().orElse(null));
        assertThat(event.get("id").asText()).isEqualTo("demo:ccs.agent.status:" + AGENT + ":2025-11-30T09:00:00Z:" + CloudEvent.digest(Map.of("status", "training")));
        assertThat(event.toString()).doesNotContain("abc123");
    }

    @Test
    void anAgentStatusTheSoftphoneCouldNotMakeIsNotForwarded() {
        postFromTheSoftphone("{messageType: 'AgentStatus', message: 'Status could not be changed'}");

        wait.until(page -> activity().contains("The softphone could not change the agent status"));
        assertThat(activity()).as("the page forwards a status right after noting it").doesNotContain("Agent status ");
    }

    @Test
    void anUnknownSoftphoneMessageIsLoggedAndIgnored() {
        browser.switchTo().frame(browser.findElement(By.id("softphone")));
        browser.findElement(By.id("emit-unknown")).click();
        browser.switchTo().defaultContent();

        wait.until(page -> activity().contains("Ignored softphone message ShowRinging"));
        assertThat(browser.findElement(By.id("call")).getText()).isEqualTo("No call yet.");
    }

    @Test
    void anIncomingCallPostedFromAnotherOriginIsIgnored() throws Exception {
        try (RecordingHttpServer stranger = new RecordingHttpServer()) {
            stranger.thenAnswer(new Answer(200, """
                    <!DOCTYPE html><script>
                    window.opener.postMessage(JSON.stringify({messageType: 'IncomingCall', callerid: '05321234567',
                        activecallkey: 'ahRzfmForged'}), '*');
                    </script>""", Map.of("Content-Type", "text/html"), Duration.ZERO));
            String strangerOrigin = stranger.url("");
            // the page's Content-Security-Policy lets no other origin into a frame: the stranger opens it in a window
            ((JavascriptExecutor) browser).executeScript("window.stranger = window.open(arguments[0], 'stranger');", stranger.url("/forged-softphone"));
            ((JavascriptExecutor) browser).executeScript(
                    "window.postMessage(JSON.stringify({messageType: 'IncomingCall', callerid: '05321234567'}), '*');");

            wait.until(driver -> activity().contains("Ignored a message from " + strangerOrigin + ": not the softphone"));
            wait.until(driver -> activity().contains("Ignored a message from " + baseUrl() + ": not the softphone"));
            assertThat(browser.findElement(By.id("call")).getText()).isEqualTo("No call yet.");
            assertThat(browser.findElements(By.cssSelector("#contacts .contact"))).isEmpty();
            assertThat(stranger.received()).extracting(RecordingHttpServer.Received::path).contains("/forged-softphone");
            ((JavascriptExecutor) browser).executeScript("window.stranger.close();");
        }
    }

    /** Rings the agent through the fake softphone, as a caller would. */
    private void ring(String caller, boolean masked) {
        ring(caller, masked, "callerid");
    }

    /** The same, with the softphone naming the number's field {@code field}. */
    private void ring(String caller, boolean masked, String field) {
        browser.switchTo().frame(browser.findElement(By.id("softphone")));
        new Select(browser.findElement(By.id("number-field"))).selectByVisibleText(field);
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

    /** Posts a message from the softphone's frame (so from its origin), as the real softphone would: a JSON string. */
    private void postFromTheSoftphone(String message) {
        browser.switchTo().frame(browser.findElement(By.id("softphone")));
        ((JavascriptExecutor) browser).executeScript("window.parent.postMessage(JSON.stringify(" + message + "), '*');");
        browser.switchTo().defaultContent();
    }

    /** The ccs.agent.status events the CRM received so far. */
    private List<JsonNode> agentStatusEvents() {
        ObjectMapper json = new ObjectMapper();
        return crm.received().stream().filter(RecordingHttpServer.Received::answeredOk).map(r -> {
            try {
                return json.readTree(r.body());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(e -> e.path("type").asText().equals("ccs.agent.status")).toList();
    }

    private String activity() {
        List<WebElement> lines = browser.findElements(By.cssSelector("#activity li"));
        return String.join("\n", lines.stream().map(WebElement::getText).toList());
    }
}
