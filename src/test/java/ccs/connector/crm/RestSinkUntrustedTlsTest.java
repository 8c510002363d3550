package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.SelfSignedCertificate;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CRM over HTTPS with a certificate of the customer's own CA (self-signed here), and no crm.rest.trust-store: its events are
 * dead letters, and its lookups 502s, that say what to set.
 */
class RestSinkUntrustedTlsTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        SelfSignedCertificate certificate = new SelfSignedCertificate(dataDir.resolve("tls"));
        crm = httpsCrm(settings, certificate);
        settings.setProperty("crm.retry.max-retries", "1");
        settings.setProperty("crm.retry.initial-delay", "100ms");
        // no CRM event gets through: held past the budget for this long, then dead-lettered
        settings.setProperty("crm.retry.while-away", "2s");
    }

    @Test
    void anEventToACrmWhoseCertificateNoTrustedCaSignedIsADeadLetterNamingTheTrustStoreSetting() throws Exception {
        CloudEvent event = hangupEvent("tls-untrusted-1");
        publish(event);

        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().containsKey(event.getId()));
        JsonNode letter = deadLetters().get(event.getId());
        assertThat(letter.get("reason").asText()).startsWith("SSLHandshakeException: PKIX path building failed")
                .endsWith("(the CRM's certificate: put the CA that signed it into crm.rest.trust-store)");
        assertThat(crm.received()).isEmpty();
    }

    @Test
    void aScreenPopWhoseLookupCannotTrustTheCrmSaysWhatToSet() throws Exception {
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05321234567");

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).contains("the CRM lookup at crm.lookup.url has a certificate no trusted CA signed: put the CA that signed it "
                + "into crm.rest.trust-store");
        assertThat(crm.received()).isEmpty();
    }
}
