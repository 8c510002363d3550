package ccs.connector.screenpop;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.simulator.CcsSimulator.ActiveCall;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FailingWrites;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** GET /api/v1/screen-pop with the shipped demo settings: the file lookup over contacts/demo-contacts.json. */
class ScreenPopTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.tenants", "demo,wrongtoken");
        settings.setProperty("ccs.tenant.wrongtoken.app-token", "not-the-application-token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"05321234567", "0532 123 45 67", "+90 532 123 45 67", "+905321234567", "00905321234567", "5321234567",
            "+90 532 123 45 67 ext. 12"})
    void aCallerWrittenAnyWayPopsTheContactCard(String phone) throws Exception {
        HttpResponse<String> answer = screenPop("phone", phone);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode card = json.readTree(answer.body());
        assertThat(card.get("phone").asText()).isEqualTo("+905321234567");
        assertThat(card.has("activecallkey")).isFalse();
        assertThat(card.get("contacts")).hasSize(1);
        JsonNode contact = card.get("contacts").get(0);
        assertThat(contact.get("name").asText()).isEqualTo("Elif Şahin");
        assertThat(contact.get("company").asText()).isEqualTo("Anadolu Tekstil A.Ş.");
        assertThat(contact.get("url").asText()).isEqualTo("https://crm.example.com/contacts/C-1001");
        assertThat(contact.get("match").get("format").asText()).isEqualTo("e164");
        assertThat(contact.get("match").get("value").asText()).isEqualTo("+905321234567");
    }

    @Test
    void aNumberSharedByTwoContactsPopsBothInTheOrderOfTheFile() throws Exception {
        JsonNode card = json.readTree(screenPop("phone", "0212 444 55 66").body());

        assertThat(card.get("contacts")).extracting(c -> c.get("id").asText()).containsExactly("C-1004", "C-1005");
        assertThat(card.get("contacts")).allSatisfy(c -> assertThat(c.get("match").get("format").asText()).isEqualTo("e164"));
    }

    @Test
    void aForeignCallerIsFoundByTheFullNumber() throws Exception {
        JsonNode card = json.readTree(screenPop("phone", "0049 30 12345678").body());

        assertThat(card.get("phone").asText()).isEqualTo("+493012345678");
        assertThat(card.get("contacts").get(0).get("name").asText()).isEqualTo("Jonas Weber");
    }

    @Test
    void aCallerWhosePlusTheLinkDidNotEncodeIsStillForeign() throws Exception {
        // as a softphone's link template writes the number: the + stands in the URL as it is, and means a space
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=+493012345678");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode card = json.readTree(answer.body());
        assertThat(card.get("phone").asText()).isEqualTo("+493012345678");
        assertThat(card.get("contacts").get(0).get("name").asText()).isEqualTo("Jonas Weber");
        assertThat(json.readTree(get("/api/v1/screen-pop?phone=+90+532+123+45+67").body()).get("contacts").get(0).get("name").asText())
                .isEqualTo("Elif Şahin");
    }

    /** New York's 212 is Istanbul's too: the last ten digits of a foreign caller are no match for a local customer. */
    @Test
    void aForeignCallerWhoseLastDigitsAreALocalCustomersIsNoMatch() throws Exception {
        assertThat(json.readTree(screenPop("phone", "0212 444 55 66").body()).get("contacts")).as("the local customers").isNotEmpty();
        for (String foreign : new String[] {"+1 212 444 5566", "+44 212 444 5566", "+49 30 2124445566"}) {
            HttpResponse<String> answer = screenPop("phone", foreign);

            assertThat(answer.statusCode()).as(foreign + ": " + answer.body()).isEqualTo(404);
        }
    }

    /** A mobile's number with two digits more (an extension written on without a marker) ends in a landline customer's last ten. */
    @Test
    void aCallerNumberThatIsNoValidNumberIsNoMatchForTheLastDigitsOfAnother() throws Exception {
        HttpResponse<String> answer = screenPop("phone", "0532 124 44 55 66");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
    }

    @Test
    void aCallerNoContactHasIsA404() throws Exception {
        HttpResponse<String> answer = screenPop("phone", "0532 999 99 99");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("no contact");
    }

    @Test
    void aWithheldNumberIsA404AndAMaskedOneAsksForTheCallKey() throws Exception {
        HttpResponse<String> anonymous = screenPop("phone", "anonymous");
        assertThat(anonymous.statusCode()).isEqualTo(404);
        assertThat(json.readTree(anonymous.body()).get("detail").asText()).contains("withheld");

        HttpResponse<String> masked = screenPop("phone", "0532***4567");
        assertThat(masked.statusCode()).isEqualTo(400);
        assertThat(json.readTree(masked.body()).get("detail").asText()).contains("activecallkey");
        assertThat(json.readTree(masked.body()).get("field").asText()).isEqualTo("phone");
        // not the keypad's 9s: no other customer's card
        HttpResponse<String> lettered = screenPop("phone", "0533 XXX 43 21");
        assertThat(lettered.statusCode()).as(lettered.body()).isEqualTo(400);
        assertThat(json.readTree(lettered.body()).get("detail").asText()).contains("masked");
    }

    @Test
    void aMaskedNumberSentWithTheCallKeyIsReadFromTheCall() throws Exception {
        ActiveCall call = simulator().ring(AGENT, "05337654321");

        HttpResponse<String> answer = screenPop("phone", "0533***4321", "activecallkey", call.key(), "agentEmail", AGENT);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode card = json.readTree(answer.body());
        assertThat(card.get("phone").asText()).isEqualTo("+905337654321");
        assertThat(card.get("contacts").get(0).get("name").asText()).isEqualTo("Burak Öztürk");
    }

    @Test
    void withoutACallerOrWithGarbageItIsA400ThatNamesTheProblemButNotTheInput() throws Exception {
        HttpResponse<String> none = get("/api/v1/screen-pop");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json.readTree(none.body()).get("detail").asText()).contains("phone").contains("activecallkey");

        HttpResponse<String> garbage = screenPop("phone", "<b>hello</b>");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("not a phone number").doesNotContain("hello");
        assertThat(json.readTree(garbage.body()).get("field").asText()).as("the field at fault, as every 400 names it").isEqualTo("phone");
    }

    @Test
    void aMaskedCallRingingAtTheAgentIsResolvedThroughTheAgentsSession() throws Exception {
        ActiveCall call = simulator().ring(AGENT, "05337654321");

        JsonNode card = maskedCallPopped(call);

        assertThat(card.get("activecallkey").asText()).isEqualTo(call.key());
        assertThat(card.get("contacts").get(0).get("name").asText()).isEqualTo("Burak Öztürk");
        assertThat(simulator().requests("getactivecall")).anySatisfy(r -> assertThat(r.params()).containsEntry("activecallkey", call.key()));
        assertThat(card.at("/customVariables/ivr_choice").asText()).isEqualTo("2");
    }

    /** The screen pop of a call ringing at the agent, asked by its key with the agent's session: 200, the unmasked number. */
    private JsonNode maskedCallPopped(ActiveCall call) throws Exception {
        HttpResponse<String> answer = screenPop("activecallkey", call.key(), "agentEmail", AGENT);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode card = json.readTree(answer.body());
        assertThat(card.get("phone").asText()).isEqualTo("+905337654321");
        return card;
    }

    @Test
    void aMaskedCallPopsWhileTheDatabaseCannotRememberItsCustomVariables() throws Exception {
        Database store = stateStore();
        FailingWrites.start(store, "TENANT_CALL_VARIABLES", "INSERT, UPDATE", Integer.MAX_VALUE);
        try {
            ActiveCall call = simulator().ring(AGENT, "05337654321");
            JsonNode card = maskedCallPopped(call);
            assertThat(card.at("/customVariables/ivr_choice").asText()).isEqualTo("2");
            assertThat(store.one("SELECT 1 FROM TENANT_CALL_VARIABLES WHERE call_key = ?", row -> true, call.key())).isEmpty();
        } finally {
            FailingWrites.stop(store, "TENANT_CALL_VARIABLES");
        }
    }

    @Test
    void aCallAnsweredAtTheTopLevelIsReadTooAndItsCustomVariablesReachTheHangupEvent() throws Exception {
        simulator().answerActiveCallAtTopLevel(true);
        try {
            ActiveCall call = simulator().ring(AGENT, "05337654321");
            JsonNode card = maskedCallPopped(call);
            JsonNode variables = card.get("customVariables");
            assertThat(variables.get("crm_customer_id").asText()).startsWith("C-");

            HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                    "call_id=" + call.key() + "&call_date=2026-11-02+10%3A00%3A00&duration=4&disposition=ANSWER&tenant=demo");
            assertThat(hangup.statusCode()).as(hangup.body()).isEqualTo(200);
            Path event = dataDir.resolve("crm-out").resolve(CloudEvent.fileName("demo:ccs.call.hangup:" + call.key()));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(event));
            assertThat(json.readTree(Files.readString(event)).at("/data/customVariables")).isEqualTo(variables);
        } finally {
            simulator().answerActiveCallAtTopLevel(false);
        }
    }

    @Test
    void withoutAnAgentTheCallIsFoundInTheCdrWhichForAnOutboundCallNamesTheCalledCustomer() throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("callid", "ahRzfmScreenPopOutbound01");
        record.put("calldate", "2026-11-02 09:15:00");
        record.put("callerid", "901");
        record.put("called_num", "0542 777 88 99");
        record.put("inbound", false);
        record.put("agent", AGENT);
        simulator().addCdr(record);

        HttpResponse<String> answer = screenPop("activecallkey", "ahRzfmScreenPopOutbound01");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json.readTree(answer.body()).get("contacts").get(0).get("name").asText()).isEqualTo("Selin Arslan");
        assertThat(simulator().requests("reportsCDRLogs"))
                .anySatisfy(r -> assertThat(r.params()).containsEntry("activecallkey", "ahRzfmScreenPopOutbound01"));
    }

    @Test
    void aClick2callRecordWithoutInboundIsOutboundForTheScreenPopAndTheCallLookupAlike() throws Exception {
        simulator().addCdr(Map.of("callid", "ahRzfmScreenPopNoInbound01", "calldate", "2026-11-02 09:20:00", "callerid", "901",
                "called_num", "0542 777 88 99", "click2call", true));

        HttpResponse<String> answer = screenPop("activecallkey", "ahRzfmScreenPopNoInbound01");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json.readTree(answer.body()).get("contacts").get(0).get("name").asText()).isEqualTo("Selin Arslan");
        assertThat(json.readTree(get("/api/v1/calls/ahRzfmScreenPopNoInbound01").body()).get("direction").asText()).isEqualTo("outbound");
    }

    @Test
    void anAgentIsToldTheCustomerOfItsOwnCallsOnly() throws Exception {
        String other = "mehmet.kaya@demo.example";
        ActiveCall ringingAtAnother = simulator().ring(other, "05337654321");
        HttpResponse<String> live = screenPop("activecallkey", ringingAtAnother.key(), "agentEmail", AGENT);
        assertThat(live.statusCode()).as(live.body()).isEqualTo(404);
        assertThat(live.body()).doesNotContain("7654321", "ivr_choice");
        assertThat(screenPop("activecallkey", ringingAtAnother.key(), "agentEmail", other).statusCode()).isEqualTo(200);

        simulator().addCdr(Map.of("callid", "ahRzfmScreenPopAnothers01", "calldate", "2026-11-02 09:25:00", "callerid", "0533 765 43 21",
                "called_num", "901", "inbound", true, "agent_username", other));
        HttpResponse<String> ended = screenPop("activecallkey", "ahRzfmScreenPopAnothers01", "agentEmail", AGENT);
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(404);
        assertThat(ended.body()).doesNotContain("7654321");
        assertThat(screenPop("activecallkey", "ahRzfmScreenPopAnothers01", "agentEmail", other.toUpperCase()).statusCode()).isEqualTo(200);
        assertThat(screenPop("activecallkey", "ahRzfmScreenPopAnothers01").statusCode()).as("the CRM, asking for no agent").isEqualTo(200);
    }

    @Test
    void aCallKeyThatIsNeitherLiveNorInTheCdrIsA404() throws Exception {
        HttpResponse<String> answer = screenPop("activecallkey", "ahRzfmNoSuchCall", "agentEmail", AGENT);

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("activecallkey");
    }

    @Test
    void anUnknownAgentIsA422ThatSaysSo() throws Exception {
        HttpResponse<String> answer = screenPop("activecallkey", "ahRzfmAnyCall", "agentEmail", "nobody@demo.example");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("nobody@demo.example").contains("User not found");
    }

    @Test
    void aCdrLookupWithARefusedAppTokenIsA422ThatNamesTheSetting() throws Exception {
        HttpResponse<String> answer = screenPop("activecallkey", "ahRzfmAnyCall", "tenant", "wrongtoken");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("ccs.app-token").doesNotContain("not-the-application-token");
    }

    /** The CRM's lookup alone answers a number: a mistyped tenant is still no tenant of this connector. */
    @Test
    void aTenantThisConnectorDoesNotServeIsA400NamingIt() throws Exception {
        HttpResponse<String> answer = screenPop("phone", "05321234567", "tenant", "nosuch");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo("tenant");
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("'nosuch' is not served by this connector");
        assertThat(screenPop("phone", "05321234567", "tenant", "demo").statusCode()).isEqualTo(200);
        // a tenant is a subdomain: its name has no letter case (TenantNameCaseTest)
        assertThat(screenPop("phone", "05321234567", "tenant", "DEMO").statusCode()).isEqualTo(200);
    }

    @Test
    void requestHeadersAndParametersAreNeverEchoed() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/screen-pop?phone=05321234567&probe=echo-me"))
                .header("X-Probe", "echo-me-too").GET().build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().map()).doesNotContainKeys("probe", "x-probe", "phone", "X-Probe");
        assertThat(answer.body()).doesNotContain("echo-me");
    }

    @Test
    void onlyGetIsServed() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/screen-pop?phone=05321234567"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> screenPop(String... namesAndValues) throws Exception {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.append(i == 0 ? "?" : "&").append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return get("/api/v1/screen-pop" + query);
    }
}
