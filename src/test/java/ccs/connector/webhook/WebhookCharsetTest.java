package ccs.connector.webhook;

import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhook bodies in the charset their {@code Content-Type} declares. Alo-Tech is a Turkish platform: a hangup callback may
 * come as a form in windows-1254 or ISO-8859-9, its Turkish letters %-escaped in that charset ({@code ş} is {@code %FE})
 * or as raw bytes; the event carries the letters it meant. A charset the connector does not know is a 415 naming it, and
 * nothing is stored.
 */
class WebhookCharsetTest extends ConnectorTestSupport {

    private static final String AGENT = "ayşe.yılmaz@demo.example";
    private static final String TRANSACTION = "İşlem-Ğüç-42";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        // the event goes to the CRM sink at once, without waiting for the call's record
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
    }

    @Test
    void aHangupFormEscapedInATurkishCharsetIsReadInThatCharset() throws Exception {
        for (String charset : new String[] {"windows-1254", "ISO-8859-9", "UTF-8"}) {
            String callKey = "escaped-" + charset;
            byte[] body = hangupForm(callKey, Charset.forName(charset)).getBytes(StandardCharsets.US_ASCII);

            JsonNode data = written(accepted(postBytes("/webhooks/ccs/hangup?token=" + webhookToken(), FORM + "; charset=" + charset, body)))
                    .get("data");

            assertThat(data.get("agentUsername").asText()).as(charset).isEqualTo(AGENT);
            assertThat(data.get("transactionId").asText()).as(charset).isEqualTo(TRANSACTION);
            assertThat(data.get("raw").get("agent_username").asText()).as(charset).isEqualTo(AGENT);
        }
    }

    @Test
    void aFormWhoseTurkishLettersCameAsRawBytesOfItsCharsetIsReadInThatCharset() throws Exception {
        String form = "call_id=raw-bytes&call_date=2026-11-02 10:00:00&duration=42&disposition=ANSWER&agent_username=" + AGENT
                + "&transaction_id=" + TRANSACTION;

        JsonNode data = written(accepted(postBytes("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded;charset=\"windows-1254\"",
                form.getBytes(Charset.forName("windows-1254"))))).get("data");

        assertThat(data.get("agentUsername").asText()).isEqualTo(AGENT);
        assertThat(data.get("transactionId").asText()).isEqualTo(TRANSACTION);
    }

    @Test
    void anIvrNotificationPostedAsAFormInItsCharsetIsReadInThatCharset() throws Exception {
        String form = "callkeyX=ivr-1254&event=call_hangup&callerid=05071303066&queuename="
                + URLEncoder.encode("Müşteri Hizmetleri", Charset.forName("windows-1254"));

        JsonNode data = written(accepted(postBytes("/webhooks/ccs/ivr?token=" + webhookToken(), FORM + "; charset=windows-1254",
                form.getBytes(StandardCharsets.US_ASCII)))).get("data");

        assertThat(data.get("queueName").asText()).isEqualTo("Müşteri Hizmetleri");
    }

    @Test
    void anIvrNotificationWhoseQueryIsEscapedInATurkishCharsetIsReadInIt() throws Exception {
        Charset turkish = Charset.forName("ISO-8859-9");
        String query = "/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=ivr-query-8859-9&event=call_hangup&callerid=05071303066"
                + "&calldate=2020-02-24+20%3A17%3A55&myemail=" + URLEncoder.encode(AGENT, turkish) + "&queuename=";

        String first = accepted(get(query + URLEncoder.encode("Müşteri Hizmetleri", turkish)));
        // a notification that differs in one Turkish letter only is another step, not a repeat of the first
        String second = accepted(get(query + URLEncoder.encode("Mışteri Hizmetleri", turkish)));

        assertThat(second).isNotEqualTo(first);
        JsonNode data = written(first).get("data");
        assertThat(data.get("queueName").asText()).isEqualTo("Müşteri Hizmetleri");
        assertThat(data.get("agentEmail").asText()).isEqualTo(AGENT);
        assertThat(written(second).at("/data/queueName").asText()).isEqualTo("Mışteri Hizmetleri");
        // one in UTF-8 is read as UTF-8 still, and is the same notification as the first
        assertThat(accepted(get(query.replace(URLEncoder.encode(AGENT, turkish), URLEncoder.encode(AGENT, StandardCharsets.UTF_8))
                + URLEncoder.encode("Müşteri Hizmetleri", StandardCharsets.UTF_8)))).isEqualTo(first);
    }

    @Test
    void anIvrNotificationWhoseQueryCarriesRawBytesOfATurkishCharsetIsReadInIt() throws Exception {
        // a client that writes the bytes as they are (java.net.URI would %-escape them)
        byte[] request = ("GET /webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=ivr-raw-8859-9&event=call_hangup&queuename=Müşteri_Hizmetleri"
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(Charset.forName("ISO-8859-9"));
        String answer;
        try (Socket socket = new Socket("localhost", URI.create(baseUrl()).getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request);
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(answer).startsWith("HTTP/1.1 200");
        // the answer's body comes in chunks: the event id is read from it as text
        Matcher id = Pattern.compile("\"id\":\"(demo:ccs.ivr.notification:ivr-raw-8859-9:[^\"]+)\"").matcher(answer);
        assertThat(id.find()).as(answer).isTrue();
        assertThat(written(id.group(1)).at("/data/queueName").asText()).isEqualTo("Müşteri_Hizmetleri");
    }

    @Test
    void aHangupFormThatDeclaresNoCharsetAndIsNotUtf8IsReadInATurkishCharset() throws Exception {
        JsonNode data = written(accepted(postBytes("/webhooks/ccs/hangup?token=" + webhookToken(), FORM,
                hangupForm("undeclared-1254", Charset.forName("windows-1254")).getBytes(StandardCharsets.US_ASCII)))).get("data");

        assertThat(data.get("agentUsername").asText()).isEqualTo(AGENT);
        assertThat(data.get("transactionId").asText()).isEqualTo(TRANSACTION);

        // one in UTF-8 that declares none is UTF-8, as before
        JsonNode utf8 = written(accepted(postBytes("/webhooks/ccs/hangup?token=" + webhookToken(), FORM,
                hangupForm("undeclared-utf8", StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII)))).get("data");
        assertThat(utf8.get("agentUsername").asText()).isEqualTo(AGENT);
    }

    @Test
    void aFormInATurkishCharsetPostedOverHttp2IsAcceptedAndReadInIt() throws Exception {
        // as Java's HttpClient posts by default (an h2c upgrade), as the simulator does: a form read before the route was a 500
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        for (String contentType : new String[] {FORM + "; charset=windows-1254", FORM}) {
            String callKey = "http2-" + contentType.length();
            HttpResponse<String> answer = http2.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/webhooks/ccs/hangup?token=" + webhookToken()))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofString(hangupForm(callKey, Charset.forName("windows-1254")))).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

            assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
            JsonNode data = written(accepted(answer)).get("data");
            assertThat(data.get("agentUsername").asText()).as(contentType).isEqualTo(AGENT);
        }
    }

    @Test
    void aCharsetTheConnectorDoesNotKnowIs415NamingItAndNothingIsStored() throws Exception {
        byte[] body = hangupForm("unknown-charset", StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII);

        HttpResponse<String> answer = postBytes("/webhooks/ccs/hangup?token=" + webhookToken(), FORM + "; charset=x-klingon-9", body);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(415);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("charset x-klingon-9");
        assertThat(deadLetterTexts().values()).noneMatch(letter -> letter.contains("unknown-charset"));
        assertThat(dataDir.resolve("crm-out").resolve(CloudEvent.fileName("demo:ccs.call.hangup:unknown-charset"))).doesNotExist();

        // JSON too, where the body could not be read for the dead letters either: it was answered 503, as if nothing could be stored
        HttpResponse<String> jsonAnswer = postBytes("/webhooks/ccs/hangup?token=" + webhookToken(), "application/json; charset=x-klingon-9",
                "{\"call_id\": \"unknown-charset-json\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(jsonAnswer.statusCode()).as(jsonAnswer.body()).isEqualTo(415);
        assertThat(json.readTree(jsonAnswer.body()).get("detail").asText()).contains("charset x-klingon-9");
    }

    /** The hangup callback's form, its Turkish letters %-escaped in {@code charset}. */
    private static String hangupForm(String callKey, Charset charset) {
        return "call_id=" + callKey + "&call_date=2026-11-02+10%3A00%3A00&duration=42&disposition=ANSWER&caller_id=901&called_num=05321234567"
                + "&agent_username=" + URLEncoder.encode(AGENT, charset) + "&transaction_id=" + URLEncoder.encode(TRANSACTION, charset);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> postBytes(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String accepted(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.readTree(answer.body()).get("id").asText();
    }

    private JsonNode written(String eventId) throws Exception {
        Path file = dataDir.resolve("crm-out").resolve(CloudEvent.fileName(eventId));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
        return json.readTree(file.toFile());
    }
}
