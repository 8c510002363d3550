package ccs.connector.click2call;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A click2call that waited in vain for one of the HTTP client's pooled connections to Call Center Studio never left the
 * connector: a platform away (503), its transactionId free again, never a "may have been placed" (504) that burns the id.
 */
class Click2callPoolWaitTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.cdr.enabled", "false");
        // the simulator's hangup of the first click2call would look its call up over the one connection the test holds
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
        // one connection to the platform, and a short wait for it
        settings.setProperty("camel.component.http.connections-per-route", "1");
        settings.setProperty("camel.component.http.connection-request-timeout", "500");
    }

    @Test
    void aClick2callThatGotNoConnectionIsAPlatformAwayAndItsTransactionIdIsFree() throws Exception {
        String click2call = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"crm-pool\"}";
        assertThat(post("/api/v1/click2call", "application/json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\"}")
                .statusCode()).isEqualTo(200);

        // a call lookup holds the one connection while the platform takes 6 s to answer it
        simulator().inject(Fault.delay("reportsCDRLogs", 6000, 1));
        CompletableFuture<HttpResponse<String>> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/api/v1/calls/held-call");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> !simulator().requests("reportsCDRLogs").isEmpty());
        HttpResponse<String> waited = post("/api/v1/click2call", "application/json", click2call);
        assertThat(waited.statusCode()).as(waited.body()).isEqualTo(503);
        assertThat(waited.body()).contains("cannot be reached");
        assertThat(lookup.get().statusCode()).isEqualTo(404);

        closeTheCircuit("demo");
        HttpResponse<String> again = post("/api/v1/click2call", "application/json", click2call);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(simulator().requests("click2call")).filteredOn(request -> "crm-pool".equals(request.params().get("transactionid"))).hasSize(1);
    }
}
