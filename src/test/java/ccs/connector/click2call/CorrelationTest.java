package ccs.connector.click2call;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** direct:correlate gives hangup and CDR events of a dispatched click2call the CRM's transaction id and reference. */
class CorrelationTest extends ConnectorTestSupport {

    private CallCorrelations correlations() {
        return context.getRegistry().lookupByNameAndType("callCorrelations", CallCorrelations.class);
    }

    private CloudEvent correlate(CloudEvent event) {
        return template.requestBody("direct:correlate", event, CloudEvent.class);
    }

    @Test
    void aHangupWithTheTransactionIdGetsTheReferenceAndLinksTheCdrRecord() {
        correlations().remember("demo", "crm-tx-1", "Ayse.Yilmaz@demo.example", "0532 123 45 67", "CASE-1001");

        CloudEvent hangup = correlate(events().hangup(null, hangupFields("call-1", "crm-tx-1", "05321234567", nowOnWire())));
        CloudEvent cdr = correlate(events().cdr(null, cdrRecord("call-1", "05321234567", true)));

        assertThat(hangup.getData()).containsEntry("transactionId", "crm-tx-1").containsEntry("crmReference", "CASE-1001");
        assertThat(cdr.getData()).containsEntry("transactionId", "crm-tx-1").containsEntry("crmReference", "CASE-1001");
    }

    @Test
    void aHangupWithoutTransactionIdIsMatchedByAgentNumberAndTime() {
        correlations().remember("demo", "crm-tx-2", "ayse.yilmaz@demo.example", "+90 532 765 43 21", "CASE-2002");

        CloudEvent hangup = correlate(events().hangup(null, hangupFields("call-2", "", "05327654321", nowOnWire())));

        assertThat(hangup.getData()).containsEntry("transactionId", "crm-tx-2").containsEntry("crmReference", "CASE-2002");
    }

    @Test
    void aClick2callCdrRecordWithoutHangupIsMatchedToo() {
        correlations().remember("demo", "crm-tx-3", "ayse.yilmaz@demo.example", "05329998877", null);

        CloudEvent cdr = correlate(events().cdr(null, cdrRecord("call-3", "05329998877", true)));

        assertThat(cdr.getData()).containsEntry("transactionId", "crm-tx-3");
    }

    @Test
    void aClick2callCdrRecordWhoseFlagComesAsTextOrANumberIsMatchedToo() {
        correlations().remember("demo", "crm-tx-text", "ayse.yilmaz@demo.example", "05329998866", "CASE-TEXT");
        correlations().remember("demo", "crm-tx-number", "ayse.yilmaz@demo.example", "05329998855", "CASE-NUMBER");

        CloudEvent text = correlate(events().cdr(null, cdrRecord("call-text", "05329998866", "true")));
        CloudEvent number = correlate(events().cdr(null, cdrRecord("call-number", "05329998855", 1)));

        assertThat(text.getData()).containsEntry("transactionId", "crm-tx-text").containsEntry("crmReference", "CASE-TEXT");
        assertThat(number.getData()).containsEntry("transactionId", "crm-tx-number").containsEntry("crmReference", "CASE-NUMBER");
    }

    @Test
    void eventsOfOtherCallsPassUnchanged() {
        correlations().remember("demo", "crm-tx-4", "ayse.yilmaz@demo.example", "05320000001", "CASE-4");

        CloudEvent otherNumber = correlate(events().hangup(null, hangupFields("call-4", "", "05551234567", nowOnWire())));
        CloudEvent inbound = correlate(events().cdr(null, cdrRecord("call-5", "05320000001", false)));

        assertThat(otherNumber.getData()).containsEntry("transactionId", null).doesNotContainKey("crmReference");
        assertThat(inbound.getData()).containsEntry("transactionId", null).doesNotContainKey("crmReference");
    }

    @Test
    void aRecordsOwnUniqueidIsNoTransactionIdAndTheLinkOfItsHangupStillHolds() {
        correlations().remember("demo", "crm-tx-9", "ayse.yilmaz@demo.example", "05321239999", "CASE-9");
        correlate(events().hangup(null, hangupFields("call-9", "crm-tx-9", "05321239999", nowOnWire())));
        // uniqueid is not among the record fields the vendor lists: a platform's channel id there is not the CRM's transaction
        Map<String, Object> click2call = cdrRecord("call-9", "05321239999", true);
        click2call.put("uniqueid", "1582564054.1234");
        Map<String, Object> inbound = cdrRecord("call-10", "05321230000", false);
        inbound.put("uniqueid", "1582564054.1235");

        assertThat(correlate(events().cdr(null, click2call)).getData()).containsEntry("transactionId", "crm-tx-9")
                .containsEntry("crmReference", "CASE-9");
        assertThat(correlate(events().cdr(null, inbound)).getData()).containsEntry("transactionId", null).doesNotContainKey("crmReference");

        // a platform whose uniqueid is the transaction id the click2call gave: found by it, with no hangup linked
        correlations().remember("demo", "crm-tx-12", "ayse.yilmaz@demo.example", "05321232222", "CASE-12");
        Map<String, Object> byUniqueid = cdrRecord("call-12", "05551112233", true);
        byUniqueid.put("uniqueid", "crm-tx-12");
        assertThat(correlate(events().cdr(null, byUniqueid)).getData()).containsEntry("transactionId", "crm-tx-12")
                .containsEntry("crmReference", "CASE-12");
    }

    @Test
    void aRecordThatNamesItsAgentOnlyByTheListedFieldsIsMatchedByAgentNumberAndTime() {
        correlations().remember("demo", "crm-tx-11", "ayse.yilmaz@demo.example", "05321231111", "CASE-11");
        Map<String, Object> record = cdrRecord("call-11", "05321231111", true);
        record.remove("agent_username");
        record.put("answeredby", "Ayse.Yilmaz@demo.example");

        CloudEvent cdr = correlate(events().cdr(null, record));

        assertThat(cdr.getData()).containsEntry("agentUsername", "Ayse.Yilmaz@demo.example")
                .containsEntry("transactionId", "crm-tx-11").containsEntry("crmReference", "CASE-11");
    }

    /**
     * A click2call's record that names its agent only by the platform's id (agent, agentid: the fields the vendor lists) and
     * the vendor's sample hangup (agent_username empty) carry the agent the click2call was dialled for; one they name stays.
     */
    @Test
    void eventsThatNameNoAgentByEmailCarryTheAgentTheClick2callWasDialledFor() {
        correlations().remember("demo", "crm-tx-by-id", "Ayse.Yilmaz@demo.example", "05321235555", "CASE-BY-ID");
        Map<String, Object> record = cdrRecord("call-by-id", "05321235555", true);
        record.remove("agent_username");
        record.put("agent", "ahRzfm11a6a1b2c3");
        Map<String, Object> fields = hangupFields("call-by-id", "crm-tx-by-id", "05321235555", nowOnWire());
        fields.put("agent_username", "");
        correlations().remember("demo", "crm-tx-named", "ayse.yilmaz@demo.example", "05321236666", "CASE-NAMED");
        Map<String, Object> named = hangupFields("call-named", "crm-tx-named", "05321236666", nowOnWire());
        named.put("agent_username", "mehmet.kaya@demo.example");

        assertThat(correlate(events().cdr(null, record)).getData()).containsEntry("agentUsername", "ayse.yilmaz@demo.example")
                .containsEntry("transactionId", "crm-tx-by-id");
        assertThat(correlate(events().hangup(null, fields)).getData()).containsEntry("agentUsername", "ayse.yilmaz@demo.example");
        assertThat(correlate(events().hangup(null, named)).getData()).as("the platform's own word")
                .containsEntry("agentUsername", "mehmet.kaya@demo.example");
    }

    /** The vendor's sample hangup callback leaves agent_username empty: without its transaction id too, the number and time find the click2call. */
    @Test
    void aHangupThatNamesNoAgentIsMatchedByNumberAndTimeWhenOneClick2callFits() {
        correlations().remember("demo", "crm-tx-nameless", "ayse.yilmaz@demo.example", "0532 444 00 01", "CASE-NAMELESS");
        Map<String, Object> fields = hangupFields("call-nameless", "", "905324440001", nowOnWire());
        fields.put("agent_username", "");

        CloudEvent hangup = correlate(events().hangup(null, fields));

        assertThat(hangup.getData()).containsEntry("transactionId", "crm-tx-nameless").containsEntry("crmReference", "CASE-NAMELESS");
    }

    /** Two agents' click2calls to one number: a hangup that names neither agent belongs to neither, rather than to the wrong one. */
    @Test
    void aHangupThatNamesNoAgentStaysUncorrelatedWhenTwoClick2callsFit() {
        correlations().remember("demo", "crm-tx-two-a", "ayse.yilmaz@demo.example", "05324440002", "CASE-TWO-A");
        correlations().remember("demo", "crm-tx-two-b", "mehmet.kaya@demo.example", "05324440002", "CASE-TWO-B");
        Map<String, Object> fields = hangupFields("call-two", "", "05324440002", nowOnWire());
        fields.put("agent_username", "");

        CloudEvent hangup = correlate(events().hangup(null, fields));

        assertThat(hangup.getData()).containsEntry("transactionId", null).doesNotContainKey("crmReference");
    }

    /** The same rule for a click2call CDR record that names no agent: one click2call fits, or none is taken. */
    @Test
    void aClick2callRecordThatNamesNoAgentIsMatchedByNumberAndTimeOnlyWhenOneClick2callFits() {
        correlations().remember("demo", "crm-tx-record-one", "ayse.yilmaz@demo.example", "05324440003", "CASE-RECORD-ONE");
        correlations().remember("demo", "crm-tx-record-a", "ayse.yilmaz@demo.example", "05324440004", "CASE-RECORD-A");
        correlations().remember("demo", "crm-tx-record-b", "mehmet.kaya@demo.example", "05324440004", "CASE-RECORD-B");
        Map<String, Object> one = cdrRecord("call-record-one", "05324440003", true);
        one.remove("agent_username");
        Map<String, Object> two = cdrRecord("call-record-two", "05324440004", true);
        two.remove("agent_username");

        assertThat(correlate(events().cdr(null, one)).getData()).containsEntry("transactionId", "crm-tx-record-one")
                .containsEntry("crmReference", "CASE-RECORD-ONE");
        assertThat(correlate(events().cdr(null, two)).getData()).containsEntry("transactionId", null).doesNotContainKey("crmReference");
    }

    /** The poller reads a window's records oldest first; a redial's click2call must not be taken for the call before it. */
    @Test
    void anAgentsRedialOfTheSameNumberIsNeverTakenForTheCallBeforeIt() {
        correlations().remember("demo", "crm-tx-dial", "ayse.yilmaz@demo.example", "05324440011", "CASE-DIAL");
        String dialledAt = nowOnWire();
        // the redial two seconds later at least, after the first call started (its start on the wire is to the second)
        Instant redialFrom = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(redialFrom));
        correlations().remember("demo", "crm-tx-redial", "ayse.yilmaz@demo.example", "05324440011", "CASE-REDIAL");
        String redialledAt = nowOnWire();

        CloudEvent first = correlate(events().cdr(null, cdrRecord("call-dial", "05324440011", true, dialledAt)));
        CloudEvent second = correlate(events().cdr(null, cdrRecord("call-redial", "05324440011", true, redialledAt)));

        assertThat(first.getData()).containsEntry("transactionId", "crm-tx-dial").containsEntry("crmReference", "CASE-DIAL");
        assertThat(second.getData()).containsEntry("transactionId", "crm-tx-redial").containsEntry("crmReference", "CASE-REDIAL");
    }

    private static String nowOnWire() {
        // a formatter, not toString(): that leaves the seconds out at second 0
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(java.time.LocalDateTime.now(java.time.ZoneId.of("Europe/Istanbul")));
    }

    private static Map<String, Object> hangupFields(String callKey, String transactionId, String called, String callDate) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("call_id", callKey);
        fields.put("call_date", callDate);
        fields.put("transaction_id", transactionId);
        fields.put("agent_username", "ayse.yilmaz@demo.example");
        fields.put("called_num", called);
        fields.put("caller_id", "901");
        fields.put("duration", "12");
        fields.put("disposition", "ANSWER");
        return fields;
    }

    private static Map<String, Object> cdrRecord(String callKey, String called, Object click2call) {
        return cdrRecord(callKey, called, click2call, nowOnWire());
    }

    private static Map<String, Object> cdrRecord(String callKey, String called, Object click2call, String callDate) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("callid", callKey);
        record.put("calldate", callDate);
        record.put("called_num", called);
        record.put("callerid", "901");
        // Call Center Studio's id of the agent, and the agent's e-mail, which a click2call is remembered by
        record.put("agent", "ahRzfm11a1f2e3d");
        record.put("agent_username", "ayse.yilmaz@demo.example");
        record.put("inbound", false);
        record.put("click2call", click2call);
        return record;
    }
}
