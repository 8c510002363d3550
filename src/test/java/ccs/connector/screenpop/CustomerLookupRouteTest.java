package ccs.connector.screenpop;

import java.net.http.HttpResponse;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** crm.lookup=acme selects a customer's own YAML route, direct:crm-lookup-acme, loaded from a file like the shipped ones. */
class CustomerLookupRouteTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("camel.main.routes-include-pattern",
                "file:routes/**/*.camel.yaml,file:src/test/resources/customer-routes/crm-lookup-acme.camel.yaml");
        settings.setProperty("crm.lookup", "acme");
        settings.setProperty("crm.lookup.timeout", "3s");
    }

    @Test
    void theCustomerRouteIsAskedFormatAfterFormatAndTheCardSaysWhichMatched() throws Exception {
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=%2B90%20532%20123%2045%2067");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode contact = json.readTree(answer.body()).get("contacts").get(0);
        assertThat(contact.get("name").asText()).isEqualTo("Acme Ayla");
        assertThat(contact.get("match").get("format").asText()).isEqualTo("national");
        assertThat(contact.get("match").get("value").asText()).isEqualTo("05321234567");
    }

    @Test
    void theRouteSeesTheCallerAndTheAgentAndMayAnswerAList() throws Exception {
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=0533%20765%2043%2021&agentEmail=ayse.yilmaz@demo.example");

        JsonNode contact = json.readTree(answer.body()).get("contacts").get(0);
        assertThat(contact.get("name").asText()).isEqualTo("Acme Bora");
        assertThat(contact.get("agent").asText()).isEqualTo("ayse.yilmaz@demo.example");
        assertThat(contact.get("caller").asText()).isEqualTo("0533 765 43 21");
        assertThat(contact.get("match").get("format").asText()).isEqualTo("e164");
    }

    @Test
    void aFailureTheRouteThrowsIsAnsweredWithItsStatusAndMessage() throws Exception {
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05420000000");

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(json.readTree(answer.body()).get("detail").asText()).isEqualTo("the Acme CRM is down for maintenance");
    }

    @Test
    void aRouteSlowerThanTheTimeoutIsA504() throws Exception {
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05430000000");

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("crm.lookup=acme").contains("3s");
    }
}
