package ccs.connector.cdr;

import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static ccs.connector.cdr.CdrTestRecords.eventFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backfill whose window holds more pages than ccs.cdr.page-cap (a busy hour, or a platform whose cursor repeats): the
 * window goes on from its latest record, and GET /api/v1/cdr/backfill counts the windows read whole, never more than the
 * backfill has (it said 3 of 2 windows done).
 */
class CdrBackfillPageCapTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.backfill.window", "1h");
        settings.setProperty("ccs.cdr.page-cap", "2");
    }

    @Test
    void aWindowCutByThePageCapIsNoWindowDone() throws Exception {
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(2);
        // 300 records in the first hour, 3 pages: the first window stops after 2 of them
        List<String> keys = simulator().generateCdrs(300, day.atTime(9, 0, 1), day.atTime(9, 59, 59));
        keys.addAll(simulator().generateCdrs(30, day.atTime(10, 0, 1), day.atTime(10, 59, 59)));

        assertThat(post("/api/v1/cdr/backfill", "application/json",
                "{\"from\": \"" + day + "T09:00:00\", \"to\": \"" + day + "T10:59:59\"}").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(90)).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
        await().atMost(Duration.ofSeconds(90)).until(() -> "done".equals(backfill().get("state").asText()));
        JsonNode done = backfill();
        assertThat(done.get("windows").asInt()).isEqualTo(2);
        assertThat(done.get("windowsDone").asInt()).as(done.toString()).isEqualTo(2);
        assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
    }

    private JsonNode backfill() throws Exception {
        return json.readTree(get("/api/v1/cdr/backfill?tenant=demo").body()).get("backfills").get(0);
    }
}
