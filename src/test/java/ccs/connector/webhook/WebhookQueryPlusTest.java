package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An IVR notification's number in international form whose {@code +} the platform left unencoded in the query string
 * ({@code callerid=+905071303066}): the number keeps its {@code +}, as a form's {@code +} for a space would lose it and
 * leave the CRM a caller {@code 905071303066}; a {@code +} inside a value (a date's) is still a space.
 */
class WebhookQueryPlusTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aNumbersUnencodedPlusIsKeptAndADatesPlusIsASpace() throws Exception {
        String unencoded = accepted("/webhooks/ccs/ivr?token=" + webhookToken()
                + "&callkeyX=plus1&event=call_hangup&callerid=+905071303066&callednum=+908502221100&calldate=2020-02-24+20:17:55");
        JsonNode data = written(unencoded).get("data");

        assertThat(data.get("callerNumber").asText()).isEqualTo("+905071303066");
        assertThat(data.get("calledNumber").asText()).isEqualTo("+908502221100");
        assertThat(data.get("raw").get("callerid").asText()).isEqualTo("+905071303066");
        assertThat(data.get("startedAt").asText()).isEqualTo("2020-02-24T17:17:55Z");
        assertThat(data.has("unreadable")).isFalse();

        // the same notification with its + encoded is the same notification: one event
        String encoded = accepted("/webhooks/ccs/ivr?token=" + webhookToken()
                + "&callkeyX=plus1&event=call_hangup&callerid=%2B905071303066&callednum=%2B908502221100&calldate=2020-02-24%2020:17:55");
        assertThat(encoded).isEqualTo(unencoded);
    }

    private String accepted(String path) throws Exception {
        HttpResponse<String> answer = get(path);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.readTree(answer.body()).get("id").asText();
    }

    private JsonNode written(String eventId) throws Exception {
        Path file = dataDir.resolve("crm-out").resolve(CloudEvent.fileName(eventId));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
        return json.readTree(file.toFile());
    }
}
