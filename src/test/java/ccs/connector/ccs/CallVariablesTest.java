package ccs.connector.ccs;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The custom variables a screen pop read live in the state store: another instance on the same database finds them, until the retention. */
class CallVariablesTest {

    @TempDir
    Path dir;

    @Test
    void variablesReadByOneInstanceReachAHangupOnAnotherUntilTheRetentionForgetsThem() throws Exception {
        try (Database database = Database.h2(dir)) {
            CallVariables screenPop = new CallVariables(database, Duration.ofHours(48));
            CallVariables intake = new CallVariables(database, Duration.ofHours(48));
            Map<String, Object> answer = Map.of("ActiveCall", Map.of("key", "call-1", "customvariables", Map.of("ivr_choice", "2")));

            assertThat(screenPop.fromActiveCall(answer, "call-1")).isEqualTo(Map.of("ivr_choice", "2"));
            assertThat(screenPop.fromActiveCall(Map.of("ActiveCall", Map.of("key", "call-2")), "call-2")).isNull();

            assertThat(intake.withCustomVariables(hangup("call-1")).getData()).containsEntry("customVariables", Map.of("ivr_choice", "2"));
            assertThat(intake.withCustomVariables(hangup("call-2")).getData()).doesNotContainKey("customVariables");

            assertThat(intake.forgetExpired()).isZero();
            database.update("UPDATE CALL_VARIABLES SET read_at = ?", Timestamp.from(Instant.now().minus(Duration.ofHours(49))));
            assertThat(intake.forgetExpired()).isEqualTo(1);
            assertThat(intake.withCustomVariables(hangup("call-1")).getData()).doesNotContainKey("customVariables");
        }
    }

    private static CloudEvent hangup(String callKey) throws Exception {
        return CloudEvent.parse(new ObjectMapper().readTree("{\"id\": \"demo:ccs.call.hangup:" + callKey + "\", \"type\": \"ccs.call.hangup\", "
                + "\"subject\": \"" + callKey + "\", \"data\": {\"callKey\": \"" + callKey + "\"}}"));
    }
}
