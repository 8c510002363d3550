package ccs.connector.api;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.TestTicker;
import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two tenants, one on a Call Center Studio that answers every request 503 (a real HTTP server), on a clock the test moves:
 * its agents' call lookups all fail alike, and the log has one WARN line per route and reason a minute, the next one
 * counting those answered alike meanwhile, where it had a line for every request.
 */
class RepeatedFailureLinesTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String[] API_KEY = {"X-Api-Key", REAL_TENANT_API_KEY};
    private static final String SCREEN_POP_LINE = "Route api-screen-pop answered 503: Call Center Studio tenant ailing answered HTTP 503";
    private static final String LOOKUP_LINE = "Route cdr-call-lookup answered 503: Call Center Studio tenant ailing answered HTTP 503";

    private final TestTicker ticker = new TestTicker();
    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer ailingPlatform;

    @Override
    protected void settings(Properties settings) {
        ailingPlatform = tenantPlatform(settings, "ailing", RecordingHttpServer.Answer.status(503));
        realTenantSecrets(settings);
        settings.setProperty("ccs.tenants", "demo,ailing");
    }

    @Override
    protected Ticker clock() {
        return ticker;
    }

    @AfterAll
    void stopTheAilingPlatform() {
        ailingPlatform.close();
    }

    @Test
    void aTenantWhosePlatformFailsEveryRequestGetsOneLineAMinutePerRouteAndReason() throws Exception {
        // call lookups, which the tenant's circuit does not answer for the platform: each one asks it and fails alike
        for (int i = 0; i < 5; i++) {
            assertFailed(get("/api/v1/calls/ailing-call-" + i + "?tenant=ailing", API_KEY));
        }
        assertFailed(get("/api/v1/screen-pop?activecallkey=ailing-call-0&tenant=ailing", API_KEY));
        assertThat(lines(LOOKUP_LINE)).hasSize(1);
        assertThat(lines(SCREEN_POP_LINE)).as("another route's failure has a line of its own").hasSize(1);

        ticker.advance(61, TimeUnit.SECONDS);
        assertFailed(get("/api/v1/calls/ailing-call-5?tenant=ailing", API_KEY));

        assertThat(lines(LOOKUP_LINE)).hasSize(2).last().asString().contains("(4 more answered alike since the previous line)");
        assertThat(lines(SCREEN_POP_LINE)).hasSize(1);
    }

    private static void assertFailed(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
    }

    private static List<String> lines(String text) {
        return LogCapture.text().lines().filter(line -> line.contains(text)).toList();
    }
}
