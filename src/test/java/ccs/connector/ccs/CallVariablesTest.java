package ccs.connector.ccs;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The custom variables a screen pop read live in the state store: another instance on the same database finds them, until the
 * retention; the hangup event gets them scrubbed of secrets, as everything the platform sends.
 */
class CallVariablesTest {

    private static final Tenants TENANTS = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1:1/api/", "token", ZoneId.of("Europe/Istanbul"))), "demo");
    private static final Secrets SECRETS = new Secrets(List.of("app-token-value"));

    @TempDir
    Path dir;

    @Test
    void variablesReadByOneInstanceReachAHangupOnAnotherUntilTheRetentionForgetsThem() throws Exception {
        try (Database database = Database.h2(dir)) {
            CallVariables screenPop = new CallVariables(database, TENANTS, Duration.ofHours(48), SECRETS);
            CallVariables intake = new CallVariables(database, TENANTS, Duration.ofHours(48), SECRETS);
            Map<String, Object> answer = Map.of("ActiveCall", Map.of("key", "call-1", "customvariables", Map.of("ivr_choice", "2")));

            assertThat(screenPop.fromActiveCall(answer, null, "call-1")).isEqualTo(Map.of("ivr_choice", "2"));
            assertThat(screenPop.fromActiveCall(Map.of("ActiveCall", Map.of("key", "call-2")), null, "call-2")).isNull();

            assertThat(intake.withCustomVariables(hangup("call-1")).getData()).containsEntry("customVariables", Map.of("ivr_choice", "2"));
            assertThat(intake.withCustomVariables(hangup("call-2")).getData()).doesNotContainKey("customVariables");

            assertThat(intake.forgetExpired()).isZero();
            database.update("UPDATE TENANT_CALL_VARIABLES SET read_at = ?", Timestamp.from(Instant.now().minus(Duration.ofHours(49))));
            // as an earlier version kept them, by call key alone
            database.update("INSERT INTO CALL_VARIABLES (call_key, variables, read_at) VALUES ('call-0', '{}', ?)",
                    Timestamp.from(Instant.now().minus(Duration.ofHours(49))));
            assertThat(intake.forgetExpired()).isEqualTo(2);
            assertThat(intake.withCustomVariables(hangup("call-1")).getData()).doesNotContainKey("customVariables");
        }
    }

    @Test
    void theHangupEventGetsTheVariablesWithoutSecretsWhileTheScreenPopShowsThemAsRead() throws Exception {
        try (Database database = Database.h2(dir)) {
            CallVariables variables = new CallVariables(database, TENANTS, Duration.ofHours(48), SECRETS);
            Map<String, Object> collected = Map.of("ivr_choice", "2", "token", "ivr-collected-token",
                    "callback", "https://crm.example/cb?session=s3cr3t-session&id=7", "echo", "app token app-token-value");
            Map<String, Object> answer = Map.of("ActiveCall", Map.of("key", "call-3", "customvariables", collected));

            assertThat(variables.fromActiveCall(answer, null, "call-3")).isEqualTo(collected);
            assertThat(variables.withCustomVariables(hangup("call-3")).getData().get("customVariables")).isEqualTo(Map.of("ivr_choice", "2",
                    "callback", "https://crm.example/cb?session=***&id=7", "echo", "app token ***"));
        }
    }

    private static CloudEvent hangup(String callKey) throws Exception {
        return CloudEvent.parse(new ObjectMapper().readTree("{\"id\": \"demo:ccs.call.hangup:" + callKey + "\", \"type\": \"ccs.call.hangup\", "
                + "\"subject\": \"" + callKey + "\", \"data\": {\"callKey\": \"" + callKey + "\"}}"));
    }
}
