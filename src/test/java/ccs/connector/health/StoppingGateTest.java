package ccs.connector.health;

import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ccs.connector.support.ConnectorTestSupport;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While the connector stops (a SIGTERM: a rolling update, a node drain), a request it can no longer take is
 * answered 503 with Retry-After, never 404: Camel removes the routes from the router before the HTTP server
 * stops listening, and a hangup callback answered 404 in between may never be sent again.
 */
class StoppingGateTest extends ConnectorTestSupport {

    /** Entered once the routes are stopped and the context stops its services, the HTTP server still listening. */
    private final CountDownLatch servicesStopping = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        super.configure(configuration);
        configuration.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext camel) throws Exception {
                // added after the HTTP server, so stopped before it: holds the stop there, as a slow service's stop would
                camel.addService(new ServiceSupport() {
                    @Override
                    protected void doStop() throws Exception {
                        servicesStopping.countDown();
                        release.await(60, TimeUnit.SECONDS);
                    }
                });
            }
        });
    }

    @Test
    void requestsWhileStoppingAreAnswered503WithRetryAfterNever404() throws Exception {
        assertThat(hangup("stop-0").statusCode()).as("served before the stop").isEqualTo(200);

        Thread stop = new Thread(context::stop, "stopping-connector");
        stop.start();
        try {
            assertThat(servicesStopping.await(60, TimeUnit.SECONDS)).as("the context reached its services").isTrue();
            HttpResponse<String> hangup = hangup("stop-1");
            assertThat(hangup.statusCode()).as(hangup.body()).isEqualTo(503);
            assertThat(hangup.headers().firstValue("Retry-After")).isPresent();
            assertThat(hangup.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(hangup.body()).contains("\"status\":503").contains("the connector is stopping");
            HttpResponse<String> ivr = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=stop-2&event=call_hangup");
            assertThat(ivr.statusCode()).as(ivr.body()).isEqualTo(503);
            assertThat(get("/api/v1/screen-pop?phone=05321234567").statusCode()).isEqualTo(503);
        } finally {
            release.countDown();
            stop.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    private HttpResponse<String> hangup(String callKey) throws Exception {
        return post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "call_id=" + callKey + "&call_date=2026-11-02+10:00:00&duration=42&disposition=ANSWER");
    }
}
