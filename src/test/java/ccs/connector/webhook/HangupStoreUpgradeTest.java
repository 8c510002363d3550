package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connector upgraded on the store of a version that recorded a delivered hangup by its bare id (processor name
 * {@code crm-delivered}), before the keys of hangups began with their call's start: the platform sending that
 * hangup callback again does not send it to the CRM again, while a new call's hangup is delivered.
 */
class HangupStoreUpgradeTest extends ConnectorTestSupport {

    private static final String DELIVERED_BEFORE = "ahRzfmHANGUPUPGRADE1";
    private static final String NEW_CALL = "ahRzfmHANGUPUPGRADE2";

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
        recordedByAnEarlierVersion("crm-delivered", "demo:ccs.call.hangup:" + DELIVERED_BEFORE);
    }

    @Test
    void aHangupTheVersionBeforeDeliveredIsNotSentAgain() throws Exception {
        assertThat(hangup(DELIVERED_BEFORE).statusCode()).isEqualTo(200);
        assertThat(hangup(NEW_CALL).statusCode()).isEqualTo(200);

        delivered(crm, "demo:ccs.call.hangup:" + NEW_CALL);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestsFor(crm, "demo:ccs.call.hangup:" + DELIVERED_BEFORE)).isEmpty());
    }

    private HttpResponse<String> hangup(String callId) throws Exception {
        Map<String, String> form = Map.of("call_id", callId, "call_date", "2026-11-02 10:00:00", "duration", "42",
                "transaction_id", "crm-" + callId, "disposition", "ANSWER", "tenant", "demo");
        return post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", IvrGuideExamples.encode(form));
    }
}
