package ccs.connector.status;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import ccs.connector.crm.DeadLetters;
import ccs.connector.event.CloudEvent;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page's problem lines in headless Chromium name what the connector found, not a fixed text: a CRM that
 * takes connections and answers 503 while its events are tried again (retries on, unlike {@link StatusPageBrowserTest}),
 * a database that gives no connection, webhook events held for the outbox.
 */
class StatusPageProblemsBrowserTest extends StatusPageBrowserSupport {

    private RecordingHttpServer crm;

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

    @Test
    void aCrmThatAnswers503IsNamedAsSuchNotAsACrmThatDoesNotAnswer() throws Exception {
        crm.answerWhen(request -> String.valueOf(request.header("Idempotency-Key")).contains("status-page-503-"), Answer.status(503));
        CloudEvent event = hangupEvent("status-page-503-1");
        try {
            publish(event);
            openWithTheKey();

            String problems = problemsNaming("HTTP 503");
            assertThat(problems).contains("The CRM: the CRM failed the latest delivery, which is tried again: HTTP 503")
                    .doesNotContain("does not answer");
            assertThat(browser.findElement(By.id("crm")).getText()).contains("HTTP 503").doesNotContain("DOES NOT ANSWER");
        } finally {
            crm.clearRules();
        }
        delivered(crm, event.getId());
        wait.until(page -> !page.findElement(By.id("problems")).getText().contains("CRM"));
    }

    @Test
    void webhookEventsHeldForTheOutboxAreNamedUntilTheyAreDelivered() throws Exception {
        // as the intake holds an event the outbox did not take (WebhookOutboxAwayTest); its release waits until the page showed it
        context.getRouteController().stopRoute("webhook-held-release");
        CloudEvent event = hangupEvent("status-page-held-1");
        context.getRegistry().lookupByNameAndType("deadLetters", DeadLetters.class).hold(event, new IllegalStateException("the outbox is away (test)"));
        openWithTheKey();

        String problems = problemsNaming("webhook event");
        assertThat(problems).contains("1 webhook event waits in the state store for the outbox to take it (no replay needed)")
                .doesNotContain("dead letter");
        assertThat(textOf(By.id("dead-letters"))).contains("0 waiting for a replay").contains("1 webhook event held until the outbox takes it");

        context.getRouteController().startRoute("webhook-held-release");
        delivered(crm, event.getId());
        wait.until(page -> !page.findElement(By.id("problems")).getText().contains("webhook event"));
    }

    @Test
    void aDatabaseThatGivesNoConnectionIsNamedInTimeNotAConnectorThatDoesNotAnswer() throws Exception {
        openWithTheKey();
        wait.until(page -> page.findElement(By.id("updated")).getText().startsWith("Updated"));
        DataSource store = stateStore().dataSource();
        // every pooled connection taken (queries that hang, say): a read of the status waits for one, 30 s as shipped
        List<Connection> taken = new ArrayList<>();
        try {
            for (int i = 0; i < ((HikariDataSource) store).getMaximumPoolSize(); i++) {
                taken.add(store.getConnection());
            }
            String problems = problemsNaming("database");
            assertThat(problems).contains("The connector answered HTTP 503: the connector's database did not answer within 3 s");
            assertThat(textOf(By.id("summary"))).isEqualTo("The connector answers no status");
            HttpResponse<String> status = get("/api/v1/status", "X-Api-Key", KEY);
            assertThat(status.statusCode()).isEqualTo(503);
            assertThat(status.body()).contains("the connector's database");
        } finally {
            for (Connection connection : taken) {
                connection.close();
            }
        }
        wait.until(page -> page.findElement(By.id("updated")).getText().startsWith("Updated"));
        assertThat(textOf(By.id("problems"))).doesNotContain("database");
    }
}
