package ccs.connector.cdr;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call's record and recording ({@code GET /api/v1/calls/{key}}, {@code .../recording}) of a tenant whose Call Center Studio
 * sits behind a gateway that adds headers of its own to every answer (a real HTTP server here): the connector's answer
 * carries its own headers only, never the platform's cookie or CORS policy; an answer in a charset Java does not know is
 * read as UTF-8.
 */
class CallLookupUpstreamHeadersTest extends ConnectorTestSupport {

    private static final String RECORD = "{\"cursor\": \"1\", \"CallList\": [{\"callid\": \"ahRzfmGateway\", \"calldate\": \"2026-11-04 09:00:00\","
            + " \"hangupdate\": \"2026-11-04 09:02:00\", \"recordingurl\": \"https://recordings.example/ahRzfmGateway.mp3\"}]}";
    private static final String RECORDING = "{\"success\": true, \"RecordingInfo\": {\"callkey\": \"ahRzfmGateway\","
            + " \"url\": \"https://recordings.example/ahRzfmGateway.mp3\", \"format\": \"mp3\"}}";

    @Override
    protected void settings(Properties settings) {
        RecordingHttpServer gateway = startHttpServer();
        // a charset Java does not know, as a PHP app names MySQL's UTF-8
        gateway.answerWhen(request -> String.valueOf(request.query()).contains("activecallkey=ahRzfmCharset"),
                new Answer(200, RECORD.replace("ahRzfmGateway", "ahRzfmCharset"), Map.of("Content-Type", "application/json; charset=utf8mb4"), Duration.ZERO));
        gateway.answerWhen(request -> String.valueOf(request.query()).contains("function=reportsCDRLogs"), withGatewayHeaders(RECORD));
        gateway.answerWhen(request -> String.valueOf(request.query()).contains("function=recordinginfo"), withGatewayHeaders(RECORDING));
        settings.setProperty("ccs.tenants", "demo,gateway");
        settings.setProperty("ccs.tenant.gateway.api-url", gateway.url("/api/"));
        settings.setProperty("ccs.tenant.gateway.app-token", "app-token-of-the-tenant-behind-a-gateway");
        realTenantSecrets(settings);
        settings.setProperty("ccs.cdr.enabled", "false");
    }

    @Test
    void theRecordAndTheRecordingOfACallCarryNoHeaderOfThePlatformsAnswer() throws Exception {
        for (String path : new String[] {"/api/v1/calls/ahRzfmGateway?tenant=gateway", "/api/v1/calls/ahRzfmGateway/recording?tenant=gateway"}) {
            HttpResponse<String> answer = get(path, "X-Api-Key", REAL_TENANT_API_KEY);

            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("ahRzfmGateway");
            assertThat(answer.headers().map().keySet()).as(path).noneMatch(name -> name.equalsIgnoreCase("Set-Cookie")
                    || name.equalsIgnoreCase("Access-Control-Allow-Origin") || name.equalsIgnoreCase("X-Gateway"));
            assertThat(answer.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
        }
    }

    @Test
    void anAnswerInACharsetJavaDoesNotKnowIsReadAsUtf8() throws Exception {
        HttpResponse<String> answer = get("/api/v1/calls/ahRzfmCharset?tenant=gateway", "X-Api-Key", REAL_TENANT_API_KEY);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"callKey\":\"ahRzfmCharset\"");
    }

    private static Answer withGatewayHeaders(String body) {
        return Answer.json(200, body).withHeader("Set-Cookie", "AWSALB=upstream-affinity; Path=/").withHeader("Access-Control-Allow-Origin", "*")
                .withHeader("X-Gateway", "edge-7");
    }
}
