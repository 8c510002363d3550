package ccs.connector.crm;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Add a customer's CRM" as written there: its route file in a routes folder of the
 * customer's, its settings, the token from elsewhere (here a test setting, in production the
 * environment), and an event reaches the CRM, a real local HTTP server.
 */
class CustomerCrmReadmeTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        String section = readmeSection("### Add a customer's CRM");
        Path customerRoutes = dataDir.resolve("customer-routes");
        try {
            Files.createDirectories(customerRoutes);
            Files.writeString(customerRoutes.resolve("crm-sink-acme.camel.yaml"), block(section, "yaml"));
            settings.load(new StringReader(block(section, "properties")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        settings.setProperty("camel.main.routes-include-pattern", "file:routes/**/*.camel.yaml,file:" + customerRoutes + "/*.camel.yaml");
        crm = startHttpServer();
        settings.setProperty("crm.acme.url", crm.url("/api"));
        settings.setProperty("crm.acme.token", "acme-token-1");
    }

    @Test
    void aHangupBecomesANoteAtTheCustomersCrm() throws Exception {
        CloudEvent hangup = hangupEvent("acme-1");
        publish(events().ivrNotification(null, Map.of("callkeyX", "acme-ivr", "event", "call_hangup", "callerid", "05321234567",
                "calldate", "2026-11-02 10:00:00")));
        publish(hangup);

        JsonNode note = delivered(crm, hangup.getId());
        RecordingHttpServer.Received request = requestsFor(crm, hangup.getId()).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/notes");
        assertThat(request.header("Authorization")).isEqualTo("Bearer acme-token-1");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(note.get("callKey").asText()).isEqualTo("acme-1");
        assertThat(note.get("phone").asText()).isEqualTo("05321234567");
        assertThat(note.get("seconds").isInt()).isTrue();
        // the IVR notification before it is not a note: nothing of it reached the CRM
        assertThat(crm.received()).hasSize(1);
    }

    private static String readmeSection(String heading) {
        try {
            String readme = Files.readString(Path.of("README.md"));
            int start = readme.indexOf(heading);
            assertThat(start).as("README section " + heading).isNotNegative();
            int end = readme.indexOf("\n## ", start);
            return readme.substring(start, end < 0 ? readme.length() : end);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first fenced block of the language, its indentation (a list item's) removed. */
    private static String block(String section, String language) {
        Matcher block = Pattern.compile("(?m)^( *)```" + language + "\\n(.*?)^\\1```", Pattern.DOTALL).matcher(section);
        assertThat(block.find()).as("a ```" + language + " block").isTrue();
        return block.group(2).replaceAll("(?m)^" + block.group(1), "");
    }
}
