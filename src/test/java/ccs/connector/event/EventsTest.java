package ccs.connector.event;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.Secrets;
import ccs.connector.simulator.SimulatorSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventsTest {

    private final Tenants tenants = new Tenants(List.of(
            new Tenant("demo", "http://127.0.0.1/api/", "t", ZoneId.of("Europe/Istanbul")),
            new Tenant("berlin", "http://127.0.0.1/api/", "t", ZoneId.of("Europe/Berlin"))), "demo");
    private final Secrets secrets = new Secrets(List.of("webhook-secret-value", "app-token-value"));
    private final Events events = new Events(tenants, new Events.IvrWire(SimulatorSettings.GUIDE_IVR_NAMES, SimulatorSettings.GUIDE_IVR_END_EVENTS), Map.of(), secrets);
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aFailedClick2callsErrorIsScrubbedAsItsRequest() throws Exception {
        JsonNode data = json.readTree(events.click2callOutcome("demo", "crm-1", Map.of("agentEmail", "a@demo.example", "token", "x"),
                "Call Center Studio answered: bad request app_token=app-token-value&session=s3ss10n-v4lue").toJson()).get("data");

        assertThat(data.get("error").asText()).isEqualTo("Call Center Studio answered: bad request app_token=***&session=***");
        assertThat(data.has("token")).isFalse();
    }

    @Test
    void aCdrRecordBecomesANormalizedEventWithUtcTimesAndItsRawFields() throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("callid", "ahRzfmABC");
        record.put("calldate", "2026-11-02 10:00:00");
        record.put("talkdate", "2026-11-02 10:00:12");
        record.put("hangupdate", "2026-11-02 10:05:00");
        record.put("duration", 288);
        record.put("callerid", "05321234567");
        record.put("called_num", "08502221100");
        record.put("agent", "ahRzfm11a5c3e");
        record.put("agent_username", "ayse@demo.example");
        record.put("queue", "sales");
        record.put("answered", true);
        record.put("abandon", false);
        record.put("inbound", true);
        record.put("recordingurl", "");
        record.put("somethingNew", "kept in raw");

        JsonNode event = json.readTree(events.cdr("demo", record).toJson());

        assertThat(event.get("id").asText()).isEqualTo("demo:ccs.cdr:ahRzfmABC");
        assertThat(event.get("source").asText()).isEqualTo("ccs/demo");
        assertThat(event.get("subject").asText()).isEqualTo("ahRzfmABC");
        assertThat(event.get("time").asText()).isEqualTo("2026-11-02T07:05:00Z");
        JsonNode data = event.get("data");
        assertThat(data.get("direction").asText()).isEqualTo("inbound");
        assertThat(data.get("startedAt").asText()).isEqualTo("2026-11-02T07:00:00Z");
        assertThat(data.get("answeredAt").asText()).isEqualTo("2026-11-02T07:00:12Z");
        assertThat(data.get("durationSeconds").asInt()).isEqualTo(288);
        assertThat(data.get("answered").asBoolean()).isTrue();
        assertThat(data.get("abandoned").asBoolean()).isFalse();
        assertThat(data.get("recordingUrl").isNull()).isTrue();
        assertThat(data.get("transactionId").isNull()).isTrue();
        assertThat(data.get("agent").asText()).as("Call Center Studio's id of the agent").isEqualTo("ahRzfm11a5c3e");
        assertThat(data.get("agentUsername").asText()).isEqualTo("ayse@demo.example");
        assertThat(data.at("/raw/somethingNew").asText()).isEqualTo("kept in raw");
        assertThat(events.cdr("berlin", record).getData().get("startedAt")).isEqualTo("2026-11-02T09:00:00Z");
    }

    @Test
    void aCallThatEndsAfterTheClocksWentBackEndsAfterItStarted() {
        // Berlin's clocks go back from 03:00 to 02:00 at 01:00 UTC on 2026-10-25: 02:07 comes twice
        Map<String, Object> record = new HashMap<>(Map.of("callid", "across-the-change", "calldate", "2026-10-25 02:55:00",
                "talkdate", "2026-10-25 02:56:00", "hangupdate", "2026-10-25 02:07:00", "duration", "720"));

        Map<String, Object> data = events.cdr("berlin", record).getData();

        assertThat(data.get("startedAt")).isEqualTo("2026-10-25T00:55:00Z");
        assertThat(data.get("answeredAt")).as("before the change: its first instant").isEqualTo("2026-10-25T00:56:00Z");
        assertThat(data.get("endedAt")).as("after the change: 02:07 the second time").isEqualTo("2026-10-25T01:07:00Z");
    }

    @Test
    void aCallbackOfTheRepeatedHoursSecondPassTellsOfTheCallAtItsSecondInstant() {
        // Berlin's clocks go back from 03:00 to 02:00 at 01:00 UTC on 2026-10-25: 02:30 comes at 00:30 and at 01:30 UTC
        Map<String, Object> hangup = Map.of("call_id", "c2", "call_date", "2026-10-25 02:30:05", "duration", "40", "disposition", "ANSWER");
        Map<String, Object> ivr = Map.of("callkeyX", "k9", "event", "call_hangup", "calldate", "2026-10-25 02:30:05");

        Events secondPass = eventsAt("2026-10-25T01:30:50Z");
        assertThat(secondPass.hangup("berlin", hangup).getData()).containsEntry("startedAt", "2026-10-25T01:30:05Z");
        assertThat(secondPass.hangup("berlin", hangup).getTime()).hasToString("2026-10-25T01:30:45Z");
        assertThat(secondPass.ivrNotification("berlin", ivr).getData()).containsEntry("startedAt", "2026-10-25T01:30:05Z");

        Events firstPass = eventsAt("2026-10-25T00:30:50Z");
        assertThat(firstPass.hangup("berlin", hangup).getData()).containsEntry("startedAt", "2026-10-25T00:30:05Z");
        assertThat(firstPass.ivrNotification("berlin", ivr).getData()).containsEntry("startedAt", "2026-10-25T00:30:05Z");
        // a hangup of the first pass that comes at once is told of at its first instant even by a platform's clock a little ahead
        assertThat(eventsAt("2026-10-25T00:29:00Z").hangup("berlin", hangup).getData()).containsEntry("startedAt", "2026-10-25T00:30:05Z");
    }

    @Test
    void aRecordOfTheRepeatedHoursSecondPassReadAsItsCallEndsTellsOfTheCallAtItsSecondInstant() {
        // 02:30 comes at 00:30 and at 01:30 UTC in Berlin on 2026-10-25
        Map<String, Object> record = Map.of("callid", "second-pass", "calldate", "2026-10-25 02:30:05", "talkdate", "2026-10-25 02:30:15",
                "hangupdate", "2026-10-25 02:31:00", "duration", "55");

        CloudEvent polled = eventsAt("2026-10-25T01:32:10Z").cdr("berlin", record);
        assertThat(polled.getData()).containsEntry("startedAt", "2026-10-25T01:30:05Z").containsEntry("answeredAt", "2026-10-25T01:30:15Z")
                .containsEntry("endedAt", "2026-10-25T01:31:00Z");
        assertThat(polled.getTime()).hasToString("2026-10-25T01:31:00Z");
        assertThat(eventsAt("2026-10-25T00:32:10Z").cdr("berlin", record).getData()).as("read in the first pass")
                .containsEntry("startedAt", "2026-10-25T00:30:05Z").containsEntry("endedAt", "2026-10-25T00:31:00Z");
        // one that began before the clocks went back, read as it ends in the second pass
        Map<String, Object> across = Map.of("callid", "across", "calldate", "2026-10-25 02:55:00", "hangupdate", "2026-10-25 02:07:00");
        assertThat(eventsAt("2026-10-25T01:08:00Z").cdr("berlin", across).getData()).containsEntry("startedAt", "2026-10-25T00:55:00Z")
                .containsEntry("endedAt", "2026-10-25T01:07:00Z");
    }

    private Events eventsAt(String now) {
        return new Events(tenants, new Events.IvrWire(SimulatorSettings.GUIDE_IVR_NAMES, SimulatorSettings.GUIDE_IVR_END_EVENTS), Map.of(), secrets,
                Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    @Test
    void aRecordsUniqueidIsNoTransactionIdUntilTheCorrelationFindsOne() {
        Map<String, Object> record = Map.of("callid", "k1", "calldate", "2026-11-02 10:00:00", "click2call", true, "uniqueid", "CRM-42");
        Map<String, Object> data = events.cdr(null, record).getData();
        assertThat(data).containsEntry("transactionId", null);
        assertThat(data.get("raw")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("uniqueid", "CRM-42");
    }

    @Test
    void aRecordWithoutInboundIsOutboundOnlyWhenItIsAClick2callAndOtherwiseOfUnknownDirection() {
        Map<String, Object> click2call = Map.of("callid", "k1", "calldate", "2026-11-02 10:00:00", "click2call", true);
        Map<String, Object> unsaid = Map.of("callid", "k2", "calldate", "2026-11-02 10:00:00");
        Map<String, Object> inbound = Map.of("callid", "k3", "calldate", "2026-11-02 10:00:00", "inbound", "1", "click2call", true);

        assertThat(events.cdr(null, click2call).getData()).containsEntry("direction", "outbound");
        assertThat(events.cdr(null, unsaid).getData()).containsEntry("direction", null);
        assertThat(events.cdr(null, inbound).getData()).containsEntry("direction", "inbound");
    }

    @Test
    void aYesOrNoIsReadInItsUsualFormsAndAnythingElseIsNeither() {
        for (Object yes : List.of(true, 1, 1L, 1.0, "true", "TRUE", " 1 ", "yes", "Y", "on", "Evet", "EVET")) {
            assertThat(Events.bool(yes)).as("%s", yes).isTrue();
        }
        // Turkish without its dotless letter, as typed on another keyboard, too
        for (Object no : List.of(false, 0, 0.0, "false", "false ", "0", "No", "n", "OFF", "hayır", "HAYIR", "hayir")) {
            assertThat(Events.bool(no)).as("%s", no).isFalse();
        }
        for (Object neither : Arrays.asList("maybe", "2", 2, 0.5, "1.0", "yes please", "t", " ", null)) {
            assertThat(Events.bool(neither)).as("%s", neither).isNull();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRecordsYesOrNoFieldsAreReadInTheirUsualFormsAndOneThatIsNeitherIsNamedNeverTakenForNo() {
        Map<String, Object> yes = Map.of("callid", "k1", "calldate", "2026-11-02 10:00:00", "inbound", "yes", "answered", "yes", "abandon", "No");
        Map<String, Object> neither = Map.of("callid", "k2", "calldate", "2026-11-02 10:00:00", "inbound", "sometimes", "answered", "maybe",
                "click2call", "perhaps");
        Map<String, Object> unsaid = Map.of("callid", "k3", "calldate", "2026-11-02 10:00:00");

        assertThat(events.cdr(null, yes).getData()).containsEntry("direction", "inbound").containsEntry("answered", true)
                .containsEntry("abandoned", false).doesNotContainKey("unreadable");
        Map<String, Object> data = events.cdr(null, neither).getData();
        assertThat(data).containsEntry("direction", null).containsEntry("answered", null).containsEntry("abandoned", false);
        assertThat((Map<String, Object>) data.get("unreadable")).containsOnlyKeys("answered", "inbound", "click2call")
                .containsEntry("answered", "answered is 'maybe': it must be true or false");
        assertThat(events.cdr(null, unsaid).getData()).as("absent, as ever").containsEntry("answered", false).containsEntry("abandoned", false)
                .doesNotContainKey("unreadable");
        // an inbound that is neither says nothing of the direction: a click2call is still one the agent dialled
        assertThat(events.cdr(null, Map.of("callid", "k4", "calldate", "2026-11-02 10:00:00", "inbound", "sometimes", "click2call", "evet"))
                .getData()).containsEntry("direction", "outbound");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWireDateWithATOrAFractionOfASecondIsReadToItsSecondButOneWithAnOffsetOrThatDoesNotExistIsNot() {
        Map<String, Object> record = Map.of("callid", "k1", "calldate", "2026-11-02T10:00:00.250", "talkdate", "2026-11-02 10:00:12.999999999",
                "hangupdate", "2026-11-02T10:05:00");

        CloudEvent cdr = events.cdr(null, record);

        assertThat(cdr.getData()).containsEntry("startedAt", "2026-11-02T07:00:00Z").containsEntry("answeredAt", "2026-11-02T07:00:12Z")
                .containsEntry("endedAt", "2026-11-02T07:05:00Z").doesNotContainKey("unreadable");
        assertThat(cdr.getDedupeKey()).as("the calldate as written").isEqualTo("2026-11-02T10:00:00.250|demo:ccs.cdr:k1");
        assertThat(events.hangup(null, Map.of("call_id", "c1", "call_date", "2020-02-24T19:07:34.5")).getData())
                .containsEntry("startedAt", "2020-02-24T16:07:34Z");
        for (String unreadable : List.of("2026-11-02T10:00:00+03:00", "2026-11-02T10:00:00Z", "2026-11-02 10:00:00.", "2026-11-02 10:00:00,5",
                "2026-11-02 10:00:00.1234567890", "2026-11-02  10:00:00", "2026-11-0210:00:00", "2026-11-02T24:00:00", "2026-02-29T10:00:00.5")) {
            assertThat((Map<String, Object>) events.hangup(null, Map.of("call_id", "c2", "call_date", unreadable)).getData().get("unreadable"))
                    .as(unreadable).containsOnlyKeys("call_date");
            assertThatThrownBy(() -> events.cdr(null, Map.of("callid", "k2", "calldate", unreadable))).as(unreadable)
                    .isInstanceOf(InvalidFieldException.class).extracting("field").isEqualTo("calldate");
        }
    }

    @Test
    void theSameRecordAlwaysGivesTheSameId() {
        Map<String, Object> record = Map.of("callid", "k1", "calldate", "2026-11-02 10:00:00");
        assertThat(events.cdr(null, record).getId()).isEqualTo(events.cdr("demo", new HashMap<>(record)).getId());
    }

    @Test
    void aCdrRecordOrAHangupIsKeyedInTheDedupeStoreByItsCallsStartAsWrittenThenItsIdAndAnyOtherEventByItsId() throws Exception {
        Map<String, Object> record = Map.of("callid", "k1", "calldate", "2026-11-02 10:00:00", "hangupdate", "2026-11-02 10:05:00");
        CloudEvent cdr = events.cdr("demo", record);
        CloudEvent hangup = events.hangup(null, Map.of("call_id", "c1", "call_date", "2020-02-24 19:07:34", "duration", "9"));

        assertThat(cdr.getDedupeKey()).isEqualTo("2026-11-02 10:00:00|demo:ccs.cdr:k1");
        assertThat(events.cdr("berlin", record).getDedupeKey()).as("the calldate as written, whatever the tenant's zone")
                .startsWith("2026-11-02 10:00:00|");
        assertThat(CloudEvent.dedupeKey(json.readTree(cdr.toJson()))).as("read back from its JSON").isEqualTo(cdr.getDedupeKey());
        assertThat(hangup.getDedupeKey()).isEqualTo("2020-02-24 19:07:34|demo:ccs.call.hangup:c1");
        assertThat(CloudEvent.dedupeKey(json.readTree(hangup.toJson()))).isEqualTo(hangup.getDedupeKey());
        CloudEvent withoutStart = events.hangup(null, Map.of("call_id", "c2"));
        assertThat(withoutStart.getDedupeKey()).as("a hangup without its call's start").isEqualTo(withoutStart.getId());
        CloudEvent longStart = events.hangup(null, Map.of("call_id", "c3", "call_date", "x".repeat(41)));
        assertThat(longStart.getDedupeKey()).as("a start longer than a date and time").isEqualTo(longStart.getId());
        assertThat(CloudEvent.dedupeKey(json.readTree(longStart.toJson()))).isEqualTo(longStart.getId());
        CloudEvent ivr = events.ivrNotification(null, Map.of("callkeyX", "c4", "calldate", "2020-02-24 19:07:34"));
        assertThat(ivr.getDedupeKey()).as("an IVR notification").isEqualTo(ivr.getId());
        assertThat(CloudEvent.dedupeKey(json.readTree(ivr.toJson()))).isEqualTo(ivr.getId());
    }

    @Test
    void aHangupCallbackKeepsItsFormFieldsButNeverTheWebhookToken() {
        CloudEvent event = events.hangup(null, Map.of("call_id", "c1", "call_date", "2020-02-24 19:07:34", "duration", "9",
                "transaction_id", "d748197", "disposition", "ANSWER", "called_num", "05071303066", "caller_id", "901",
                "token", "webhook-secret", "agent_username", ""));

        assertThat(event.getId()).isEqualTo("demo:ccs.call.hangup:c1");
        assertThat(event.getData()).containsEntry("transactionId", "d748197").containsEntry("durationSeconds", 9)
                .containsEntry("startedAt", "2020-02-24T16:07:34Z").containsEntry("agentUsername", null);
        assertThat(event.toJson()).doesNotContain("webhook-secret");
        assertThat(event.getTime()).hasToString("2020-02-24T16:07:43Z");
    }

    @Test
    void aCallbackWithoutItsCallIsRefusedNamingTheField() {
        assertThatThrownBy(() -> events.hangup(null, Map.of("call_date", "2020-02-24 19:07:34")))
                .isInstanceOf(InvalidFieldException.class).hasMessage("call_id is missing").extracting("field").isEqualTo("call_id");
        assertThatThrownBy(() -> events.ivrNotification(null, Map.of("calldate", "2020-02-24 19:07:34")))
                .isInstanceOf(InvalidFieldException.class).extracting("field").isEqualTo("callkeyX");
    }

    @Test
    @SuppressWarnings("unchecked")
    void fieldsOfAKnownCallThatCannotBeReadAreLeftEmptyNamedAndKeptInRaw() {
        CloudEvent hangup = events.hangup(null, Map.of("call_id", "c", "call_date", "24.02.2020 19:07", "duration", "nine",
                "disposition", "HUNG_UP_ON_MARS", "called_num", "0532"));
        assertThat(hangup.getId()).isEqualTo("demo:ccs.call.hangup:c");
        assertThat(hangup.getData()).containsEntry("startedAt", null).containsEntry("durationSeconds", null)
                .containsEntry("disposition", null).containsEntry("calledNumber", "0532");
        assertThat((Map<String, Object>) hangup.getData().get("unreadable")).containsOnlyKeys("call_date", "duration", "disposition")
                .containsEntry("duration", "duration is 'nine': it must be a whole number of seconds");
        assertThat((Map<String, Object>) hangup.getData().get("raw")).containsEntry("call_date", "24.02.2020 19:07")
                .containsEntry("disposition", "HUNG_UP_ON_MARS");
        assertThat((Map<String, Object>) events.hangup(null, Map.of("call_id", "c2")).getData().get("unreadable"))
                .containsEntry("call_date", "call_date is missing");
        assertThat(events.hangup(null, Map.of("call_id", "c3", "call_date", "2020-02-24 19:07:34", "disposition", "noanswer"))
                .getData()).containsEntry("disposition", "NOANSWER").doesNotContainKey("unreadable");
        // a day the month lacks, or the hour 24, is named, never moved to another day
        for (String noSuchTime : List.of("2026-02-29 10:00:00", "2026-04-31 10:00:00", "2026-02-24 24:00:00")) {
            assertThat(events.hangup(null, Map.of("call_id", "c6", "call_date", noSuchTime)).getData()).as(noSuchTime)
                    .containsEntry("startedAt", null).extractingByKey("unreadable").asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("call_date", "call_date is '" + noSuchTime + "': it must be a date like 2020-02-24 19:07:34");
        }
        assertThat(events.hangup(null, Map.of("call_id", "c7", "call_date", "2024-02-29 10:00:00")).getData())
                .as("a leap year's day").containsEntry("startedAt", "2024-02-29T07:00:00Z");
        // JSON numbers: a whole one is read, any other is named, never truncated or wrapped
        assertThat(events.hangup(null, Map.of("call_id", "c4", "duration", 4.0)).getData()).containsEntry("durationSeconds", 4);
        for (Number duration : List.of(9.5, -0.5, 5_000_000_000L, 1e10)) {
            assertThat((Map<String, Object>) events.hangup(null, Map.of("call_id", "c5", "duration", duration)).getData().get("unreadable"))
                    .as("duration %s", duration).containsEntry("duration", "duration is '" + duration + "': it must be a whole number of seconds");
        }

        CloudEvent ivr = events.ivrNotification(null, Map.of("callkeyX", "k", "calldate", "2020/02/24"));
        assertThat(ivr.getData()).containsEntry("startedAt", null);
        assertThat((Map<String, Object>) ivr.getData().get("unreadable")).containsOnlyKeys("calldate");
    }

    @Test
    void everyStepOfACallIsItsOwnEventAndAnExactRepeatTheSame() {
        Map<String, String> queued = Map.of("callkeyX", "k", "event", "queue_enter", "queuename", "sales", "calldate", "2020-02-24 19:07:34");
        Map<String, String> answered = new HashMap<>(queued);
        answered.put("event", "agent_answer");
        answered.put("myemail", "a@x.example");
        Map<String, String> ended = new HashMap<>(answered);
        ended.put("event", "call_hangup");

        List<String> ids = List.of(queued, answered, ended).stream().map(step -> events.ivrNotification(null, step).getId()).toList();
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("demo:ccs\\.ivr\\.notification:k:[0-9a-f]{12}"));
        assertThat(events.ivrNotification(null, new java.util.TreeMap<>(ended)).getId()).isEqualTo(ids.get(2));
        // the id is part of the contract: a digest that changed between versions would deliver every step again
        assertThat(events.ivrNotification(null, Map.of("callkeyX", "ahRzfmi3tzPCQy", "event", "call_hangup", "queuename", "emre_test_kuyruk",
                "queueid", "q1", "callerid", "05071303066", "myemail", "fatih.keser@alo-tech.com", "callednum", "908",
                "calldate", "2020-02-24 20:17:55")).getId()).isEqualTo("demo:ccs.ivr.notification:ahRzfmi3tzPCQy:39c0e0d70d85");
        assertThat(events.ivrNotification(null, Map.of("token", "x", "callkeyX", "k", "event", "queue_enter", "queuename", "sales",
                "calldate", "2020-02-24 19:07:34")).getId()).as("the token is no part of the step").isEqualTo(ids.get(0));
    }

    @Test
    void noEventCarriesASecretInAnyFieldPlainOrUrlEncoded() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("call_id", "c1");
        fields.put("call_date", "2020-02-24 19:07:34");
        fields.put("url", "http%3A//connector.example%3A8080/webhooks/ccs/hangup%3Ftoken%3Dwebhook-secret-value%26tenant%3Dacme");
        fields.put("plain_url", "http://connector.example/webhooks/ccs/hangup?tenant=acme&token=webhook-secret-value");
        fields.put("twice", "http%253A//c/h%253Ftoken%253Dwebhook-secret-value");
        fields.put("echo", "app-token-value");
        fields.put("nested", Map.of("session", "s-123", "list", List.of("app_token=abc", "Bearer webhook-secret-value")));
        fields.put("Session", "s-456");
        fields.put("transaction_id", "tx webhook-secret-value");

        String json = events.hangup(null, fields).toJson();

        assertThat(json).doesNotContain("webhook-secret-value", "app-token-value", "s-123", "s-456", "abc")
                .contains("hangup%3Ftoken%3D***", "tenant=acme&token=***", "tx ***");
    }

    @Test
    void ivrNotificationsAreClassifiedAsTheGuidesThreeOutcomes() {
        Map<String, Object> beforeQueue = Map.of("callkeyX", "k1", "event", "call_hangup", "callerid", "05071303066",
                "callednum", "90", "calldate", "2020-02-24 20:15:37", "myemail", "");
        Map<String, Object> abandoned = new HashMap<>(beforeQueue);
        abandoned.putAll(Map.of("callkeyX", "k2", "queuename", "emre_test_kuyruk", "queueid", "q1"));
        Map<String, Object> answered = new HashMap<>(abandoned);
        answered.putAll(Map.of("callkeyX", "k3", "myemail", "fatih.keser@alo-tech.com"));

        assertThat(events.ivrNotification(null, beforeQueue).getData()).containsEntry("outcome", "ended-before-queue");
        assertThat(events.ivrNotification(null, abandoned).getData()).containsEntry("outcome", "abandoned-in-queue")
                .containsEntry("queueName", "emre_test_kuyruk");
        assertThat(events.ivrNotification(null, answered).getData()).containsEntry("outcome", "answered")
                .containsEntry("agentEmail", "fatih.keser@alo-tech.com").containsEntry("startedAt", "2020-02-24T17:15:37Z");
    }

    @Test
    void anIvrNotificationNamingAnAgentButNoQueueIsAnsweredNotEndedBeforeTheQueue() {
        // a step whose administrator left the queue's parameters out, or an IVR that routes to an agent directly
        Map<String, Object> talked = Map.of("callkeyX", "k5", "event", "call_hangup", "callerid", "05071303066",
                "callednum", "90", "calldate", "2020-02-24 20:15:37", "myemail", "fatih.keser@alo-tech.com");

        assertThat(events.ivrNotification(null, talked).getData()).containsEntry("outcome", "answered")
                .containsEntry("queueName", null);
    }

    @Test
    void anIvrStepBeforeTheCallsEndHasNoOutcome() {
        Map<String, Object> inQueue = Map.of("callkeyX", "k4", "event", "queue_enter", "queuename", "sales", "calldate", "2020-02-24 20:15:37");
        Map<String, Object> ended = new HashMap<>(inQueue);
        ended.put("event", "CALL_HANGUP");
        Map<String, Object> withoutEvent = new HashMap<>(inQueue);
        withoutEvent.remove("event");

        assertThat(events.ivrNotification(null, inQueue).getData()).containsEntry("outcome", null).containsEntry("event", "queue_enter");
        assertThat(events.ivrNotification(null, ended).getData()).containsEntry("outcome", "abandoned-in-queue");
        assertThat(events.ivrNotification(null, withoutEvent).getData()).containsEntry("outcome", "abandoned-in-queue");
    }

    @Test
    void ivrParameterNamesComeFromSettings() {
        Map<String, String> names = new HashMap<>(SimulatorSettings.GUIDE_IVR_NAMES);
        names.put("call-key", "ck");
        names.put("agent-email", "agent");
        Events custom = new Events(tenants, new Events.IvrWire(names, SimulatorSettings.GUIDE_IVR_END_EVENTS), Map.of(), secrets);
        CloudEvent event = custom.ivrNotification(null, Map.of("ck", "k9", "queuename", "sales", "agent", "a@x.example"));
        assertThat(event.getId()).startsWith("demo:ccs.ivr.notification:k9:");
        assertThat(event.getData()).containsEntry("outcome", "answered");
    }

    @Test
    void eventFileNamesAreSafeAndDistinct() {
        assertThat(CloudEvent.fileName("demo:ccs.cdr:a/b")).matches("[A-Za-z0-9._-]+\\.json").doesNotContain("/");
        assertThat(CloudEvent.fileName("demo:ccs.cdr:a_b")).isNotEqualTo(CloudEvent.fileName("demo:ccs.cdr:a:b"));
    }

    @Test
    void aCdrRecordThatCannotBecomeAnEventKeepsALetterIdTheStoreCanHold() {
        assertThat(Events.invalidCdrLetterId("demo", Map.of("callid", "k1", "calldate", "24.02.2020"))).isEqualTo("demo:ccs.cdr.invalid:k1:24.02.2020");
        // without a call key, or with one no id can hold, a digest: two such records keep two letters
        String overlong = Events.invalidCdrLetterId("demo", Map.of("callid", "k".repeat(5000), "calldate", "x"));
        assertThat(overlong).matches("demo:ccs\\.cdr\\.invalid:[0-9a-f]{12}");
        assertThat(Events.invalidCdrLetterId("demo", Map.of("callerid", "1"))).isNotEqualTo(Events.invalidCdrLetterId("demo", Map.of("callerid", "2")));
        assertThat(Events.invalidCdrLetterId("demo", Map.of("callid", " ", "calldate", "x", "callerid", "1")))
                .as("an empty call key is none").isNotEqualTo(Events.invalidCdrLetterId("demo", Map.of("callid", " ", "calldate", "x", "callerid", "2")));
        assertThat(Events.invalidCdrLetterId("demo", "x")).matches("demo:ccs\\.cdr\\.invalid:[0-9a-f]{12}");
    }
}
