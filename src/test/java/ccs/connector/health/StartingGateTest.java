package ccs.connector.health;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import ccs.connector.support.ConnectorTestSupport;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** While the routes are starting, requests are answered 503 with Retry-After, never 404; health stays served. */
class StartingGateTest extends ConnectorTestSupport {

    /** What the server answered while the first route was starting and every other route waited for it. */
    private final List<HttpResponse<String>> whileStarting = new ArrayList<>();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        super.configure(configuration);
        configuration.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext camel) throws Exception {
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:started-first").routeId("started-first").startupOrder(1).routePolicy(new RoutePolicySupport() {
                            @Override
                            public void onStart(Route route) {
                                askWhileStarting();
                            }
                        }).log("started");
                    }
                });
            }
        });
    }

    private void askWhileStarting() {
        try {
            whileStarting.add(post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                    "call_id=gate-1&call_date=2026-11-02+10:00:00&duration=42&disposition=ANSWER"));
            whileStarting.add(get("/api/v1/screen-pop?phone=05321234567"));
            whileStarting.add(get("/observe/health/live"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void requestsWhileTheRoutesStartAreAnswered503WithRetryAfterAndServedOnceTheyHaveStarted() throws Exception {
        assertThat(whileStarting).hasSize(3);
        HttpResponse<String> hangup = whileStarting.get(0);
        assertThat(hangup.statusCode()).isEqualTo(503);
        assertThat(hangup.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(hangup.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(hangup.body()).contains("\"status\":503").contains("the connector is starting");
        // as every other problem the server answers
        assertThat(hangup.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(hangup.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(whileStarting.get(1).statusCode()).isEqualTo(503);
        assertThat(whileStarting.get(2).statusCode()).as("health is served while starting").isEqualTo(200);

        assertThat(get("/api/v1/screen-pop?phone=05321234567").statusCode()).as("once started").isEqualTo(200);
    }
}
