package ccs.connector.health;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two tenants, one on a Call Center Studio (a real HTTP server) that refuses its app token, then answers every request 503,
 * then refuses the token again: the log says each in turn, where it kept the first refusal as its latest word on the tenant
 * through the outage (the probe's line of an outage was left out for a tenant whose token had been refused).
 */
class UpstreamOutageLinesTest extends ConnectorTestSupport {

    private static final Answer REFUSED = Answer.json(200, "{\"success\": false, \"message\": \"Invalid Application Token\"}");

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer platform;

    @Override
    protected void settings(Properties settings) {
        LogCapture.install();
        platform = tenantPlatform(settings, "fickle", REFUSED);
        realTenantSecrets(settings);
        settings.setProperty("ccs.tenants", "demo,fickle");
        settings.setProperty("connector.health.cache", "1s");
    }

    @AfterAll
    void stopThePlatform() {
        platform.close();
    }

    @Test
    void eachChangeOfWhatIsWrongWithATenantIsALine() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> refusals().size() == 1);

        answerEveryRequest(Answer.status(503));
        await().atMost(Duration.ofSeconds(30)).until(() -> health().contains("Call Center Studio tenant fickle answered HTTP 503"));
        assertThat(lines("WARN", "Call Center Studio tenant fickle is down: ")).singleElement().asString()
                .endsWith("Call Center Studio tenant fickle answered HTTP 503");

        answerEveryRequest(REFUSED);
        await().atMost(Duration.ofSeconds(30)).until(() -> health().contains("the application token of tenant fickle was refused"));
        assertThat(refusals()).hasSize(2);
        assertThat(lines("WARN", "Call Center Studio tenant fickle is down: ")).hasSize(1);
        assertThat(lines("WARN", "tenant demo ")).as("the other tenant").isEmpty();
        assertThat(lines("ERROR", "tenant demo ")).as("the other tenant").isEmpty();
    }

    private void answerEveryRequest(Answer answer) {
        platform.clearRules();
        platform.answerWhen(request -> true, answer);
    }

    private String health() throws Exception {
        return get("/observe/health?exposureLevel=full").body();
    }

    private List<String> refusals() {
        return lines("ERROR", "Call Center Studio tenant fickle refuses the application token");
    }

    private List<String> lines(String level, String text) {
        return LogCapture.text().lines().filter(line -> line.contains(" " + level + " ") && line.contains(text)).toList();
    }
}
