package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import ccs.connector.support.SelfSignedCertificate;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CRM over HTTPS with a certificate of the customer's own CA (self-signed here), trusted through crm.rest.trust-store: the
 * REST sink delivers to it and the REST lookup reads it, while the JVM's CAs stay as they are for Call Center Studio.
 */
class RestSinkTlsTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        SelfSignedCertificate certificate = new SelfSignedCertificate(dataDir.resolve("tls"));
        crm = httpsCrm(settings, certificate);
        settings.setProperty("crm.rest.trust-store", certificate.trustStore().toString());
        settings.setProperty("crm.rest.trust-store-password", SelfSignedCertificate.TRUST_STORE_PASSWORD);
    }

    @Test
    void theRestSinkDeliversToACrmWhoseCaIsInTheTrustStore() {
        CloudEvent event = hangupEvent("tls-trusted-1");
        publish(event);

        await().atMost(Duration.ofSeconds(30)).until(() -> crm.received().stream()
                .anyMatch(request -> event.getId().equals(request.header("Idempotency-Key")) && request.answeredOk()));
        Received post = crm.received().stream().filter(request -> event.getId().equals(request.header("Idempotency-Key"))).findFirst().orElseThrow();
        assertThat(post.path()).isEqualTo("/events");
        assertThat(post.body()).contains(event.getId());
    }

    @Test
    void theRestLookupReadsACrmWhoseCaIsInTheTrustStore() throws Exception {
        crm.answerWhen(request -> request.path().equals("/api/contacts"), Answer.json(200, """
                [{"id": "42", "name": "Elif Şahin", "phone": "905321234567"}]"""));

        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05321234567");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(answer.body()).get("contacts").get(0).get("name").asText()).isEqualTo("Elif Şahin");
    }
}
