package ccs.connector.crm;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A live event is never behind a backlog: a CDR backfill fills the outbox far beyond what the broker holds in memory
 * (connector.broker.memory-mb=1: the rest is paged to disk) while the CRM holds its answer to the first CDR record,
 * and a hangup acknowledged then still reaches the CRM at once; the backlog is delivered whole after it. On one queue
 * the hangup waited on disk behind every page, while the consumers the tenant's CDR group did not hold sat idle.
 */
class OutboxBulkQueueTest extends ConnectorTestSupport {

    private static final ZoneId ISTANBUL = ZoneId.of("Europe/Istanbul");
    private static final int RECORDS = 2000;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.broker.memory-mb", "1");
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.backfill.window", "1h");
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
    }

    @Test
    void aHangupReachesTheCrmWhileABacklogOfCdrPagesWaitsOnDisk() throws Exception {
        // the CRM holds its answer to every CDR record until released: the backlog stays in the outbox
        crm.answerWhen(OutboxBulkQueueTest::isCdr, Answer.json(200, "{}").heldBeforeItsLastByte());
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(3);
        List<String> keys = simulator().generateCdrs(RECORDS, day.atTime(8, 0, 1), day.atTime(18, 0, 1));
        assertThat(post("/api/v1/cdr/backfill", "application/json", "{\"from\": \"" + day + "T08:00:00\", \"to\": \"" + day + " 17:59:59\"}")
                .statusCode()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> "done".equals(json.readTree(get("/api/v1/cdr/backfill?tenant=demo").body())
                .get("backfills").get(0).get("state").asText()));
        // every page but the one being delivered waits in the outbox, some 6 MB: most of it on disk
        JsonNode outbox = json.readTree(get("/api/v1/status").body()).get("outbox");
        assertThat(outbox.get("depth").asInt()).as(outbox.toString()).isGreaterThanOrEqualTo(RECORDS / 100 - 1);

        assertThat(post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", hangup("beside-the-backlog"))
                .statusCode()).isEqualTo(200);

        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> crm.received().stream().anyMatch(r -> isHangup(r) && r.answeredOk()));
        } finally {
            crm.releaseHeld();
        }
        await().atMost(PATIENCE).until(() -> cdrKeysDelivered().size() == RECORDS);
        assertThat(cdrKeysDelivered()).containsExactlyInAnyOrderElementsOf(keys.stream().map(key -> "demo:ccs.cdr:" + key).toList());
        List<Received> received = crm.received();
        int hangup = received.indexOf(received.stream().filter(OutboxBulkQueueTest::isHangup).findFirst().orElseThrow());
        int lastRecord = received.indexOf(received.stream().filter(OutboxBulkQueueTest::isCdr).reduce((first, second) -> second).orElseThrow());
        assertThat(hangup).as("the hangup reached the CRM before the backlog's last record").isLessThan(lastRecord);
        assertThat(json.readTree(get("/api/v1/status").body()).at("/outbox/bulk").asInt()).isZero();
    }

    private Set<String> cdrKeysDelivered() {
        return crm.received().stream().filter(r -> isCdr(r) && r.answeredOk()).map(r -> r.header("Idempotency-Key"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static boolean isCdr(Received request) {
        return request.body().contains("\"type\":\"ccs.cdr\"");
    }

    private static boolean isHangup(Received request) {
        return request.body().contains("\"type\":\"ccs.call.hangup\"");
    }

    private static String hangup(String callId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("call_date", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(LocalDateTime.now(ISTANBUL)));
        fields.put("transaction_id", "d748197");
        fields.put("disposition", "ANSWER");
        fields.put("duration", "9");
        fields.put("called_num", "05071303066");
        fields.put("caller_id", "901");
        fields.put("call_id", callId);
        return fields.entrySet().stream().map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
