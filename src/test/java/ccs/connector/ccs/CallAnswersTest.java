package ccs.connector.ccs;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The record of one call in an answer of reportsCDRLogs by activecallkey. */
class CallAnswersTest {

    private final CallAnswers answers = new CallAnswers(new Tenants(List.of(new Tenant("demo", "http://127.0.0.1/api/", "t",
            ZoneId.of("Europe/Istanbul"))), "demo"));

    /** A transferred call, its newest leg first: the agent whose leg came second had a 404 for its own call. */
    @Test
    void ofACallsLegsTheAskingAgentsIsTakenElseTheFirst() {
        Map<String, Object> bobs = Map.of("callid", "K1", "agent_username", "bob@demo.example", "callerid", "05321234567");
        Map<String, Object> alices = Map.of("callid", "K1", "agent_username", "alice@demo.example", "callerid", "05321234567");
        Map<String, Object> answer = Map.of("CallList", List.of(bobs, alices));

        assertThat(answers.cdrRecord(answer, "demo", "K1", "Alice@demo.example")).isSameAs(alices);
        assertThat(answers.cdrRecord(answer, "demo", "K1", null)).isSameAs(bobs);
        assertThat(answers.customerOfRecord(answers.cdrRecord(answer, "demo", "K1", "alice@demo.example"), "alice@demo.example"))
                .isEqualTo("05321234567");
    }

    @Test
    void theRecordOfTheCallIsTakenBeforeOthersAndTheFirstWhenNoneNamesIt() {
        Map<String, Object> answer = Map.of("CallList", List.of("not a record", Map.of("callid", "ZZZ"), Map.of("callid", " K2 ")));

        assertThat(answers.cdrRecord(answer, "demo", "K2", null)).isEqualTo(Map.of("callid", " K2 "));
        // which field is the call's key is not published: the platform's answer for the key
        assertThat(answers.cdrRecord(Map.of("CallList", List.of(Map.of("callid", "ZZZ"))), "demo", "K2", null)).isEqualTo(Map.of("callid", "ZZZ"));
        assertThat(answers.cdrRecord(Map.of("CallList", List.of()), "demo", "K2", null)).isNull();
    }
}
