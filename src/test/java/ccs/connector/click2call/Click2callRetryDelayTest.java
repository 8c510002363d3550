package ccs.connector.click2call;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A queued click2call that Call Center Studio answers 503 is tried again after ccs.click2call.upstream-retry-delay, doubled
 * each time, until an attempt fails in a way not to be repeated.
 */
class Click2callRetryDelayTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("ccs.click2call.upstream-retries", "2");
        settings.setProperty("ccs.click2call.upstream-retry-delay", "2s");
    }

    @Test
    void theRetriesWaitTheDelaySetAndTwiceIt() throws Exception {
        simulator().inject(Fault.status("click2call", 503, 2));
        drop("retried", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"retried\"}");

        delivered(crm, "demo:ccs.click2call.accepted:retried");
        List<ApiRequest> attempts = simulator().requests("click2call").stream()
                .filter(request -> "retried".equals(request.params().get("transactionid"))).toList();
        assertThat(attempts).hasSize(3);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(3900));
    }

    @Test
    void aRetryAnsweredSoThatTheCallMayBePlacedIsTheLastAttempt() throws Exception {
        // the 503 is retried; the retry's 500 may come after the platform placed the call: tried again, it would dial twice
        simulator().inject(Fault.status("click2call", 503, 1));
        simulator().inject(Fault.status("click2call", 500, 1));
        drop("placed-maybe", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"placed-maybe\"}");

        assertThat(failure(crm, "demo:ccs.click2call.failed:placed-maybe").at("/data/error").asText())
                .isEqualTo("Call Center Studio tenant demo answered HTTP 500 to click2call (the request may have been carried out)");
        assertThat(simulator().requests("click2call")).filteredOn(request -> "placed-maybe".equals(request.params().get("transactionid"))).hasSize(2);
    }

    private void drop(String name, String request) throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        Files.createDirectories(inbox);
        Path part = inbox.resolve(name + ".json.part");
        Files.writeString(part, request, StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }
}
