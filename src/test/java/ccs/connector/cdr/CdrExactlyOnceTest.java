package ccs.connector.cdr;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ccs.connector.simulator.Fault;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.WIRE;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every record reaches a real local HTTP CRM (REST sink) once, though polls and settle sweeps read it
 * again and again: the record of a call longer than the overlap, found by the settle sweep; a record
 * the CRM refused, which stays refused until the dead letters are replayed. Polls and sweeps run
 * through direct:cdr-poll and direct:cdr-settle, as their timers run them; one delivery consumer keeps the outbox in order, so once a record of a later
 * poll is at the CRM, every event of the poll before it was handled.
 */
class CdrExactlyOnceTest extends CdrPollingTestSupport {

    @Override
    protected void settings(Properties settings) {
        super.settings(settings);
        settings.setProperty("crm.delivery.consumers", "1");
        settings.setProperty("ccs.cdr.recording-details", "true");
    }

    @Test
    void aRecordedCallReadAgainIsNotAskedItsRecordingAgainSoItsRecordingInfoFailingHoldsNothingBack() {
        String recorded = simulator().generateCdrs(1, wallClock(Duration.ofMinutes(3)), wallClock(Duration.ofMinutes(2))).get(0);
        poll();
        assertThat(delivered(crm, "demo:ccs.cdr:" + recorded).at("/data/recording/url").asText()).endsWith(recorded + ".mp3");

        // every later poll reads the call again through its overlap; Call Center Studio now fails recordinginfo
        simulator().inject(Fault.status("recordinginfo", 500, 100));
        try {
            String unrecorded = "unrecorded-" + recorded;
            simulator().addCdr(Map.of("callid", unrecorded, "calldate", WIRE.format(wallClock(Duration.ofSeconds(50))), "recordingurl", ""));
            poll();
            delivered(crm, "demo:ccs.cdr:" + unrecorded);
        } finally {
            simulator().clearFaults();
        }
        assertThat(simulator().requests("recordinginfo")).as("asked once, when it was delivered")
                .filteredOn(r -> recorded.equals(r.params().get("callkey"))).hasSize(1);
    }

    @Test
    void aRecordedCallWhoseRecordingInfoFailsForGoodGoesWithoutItsDetailsAndHoldsNothingBack() {
        String purged = "purged-" + UUID.randomUUID();
        simulator().addCdr(Map.of("callid", purged, "calldate", WIRE.format(wallClock(Duration.ofMinutes(2))),
                "recordingurl", "https://recordings.example/" + purged + ".mp3"));
        String later = "unrecorded-" + purged;
        simulator().addCdr(Map.of("callid", later, "calldate", WIRE.format(wallClock(Duration.ofSeconds(50))), "recordingurl", ""));
        // Call Center Studio answers the recording of that call with an error of its own, every time it is asked
        simulator().inject(Fault.status("recordinginfo", 404, 100));
        try {
            poll();
            assertThat(delivered(crm, "demo:ccs.cdr:" + purged).at("/data/recordingUrl").asText()).endsWith(purged + ".mp3");
            assertThat(delivered(crm, "demo:ccs.cdr:" + purged).at("/data/recording").isMissingNode()).isTrue();
            delivered(crm, "demo:ccs.cdr:" + later);
        } finally {
            simulator().clearFaults();
        }
    }

    @Test
    void aRecordedCallWhoseRecordingInfoFindsThePlatformAwayWaitsForItsDetails() {
        String recorded = "away-" + UUID.randomUUID();
        simulator().addCdr(Map.of("callid", recorded, "calldate", WIRE.format(wallClock(Duration.ofMinutes(2))),
                "recordingurl", "https://recordings.example/" + recorded + ".mp3"));
        simulator().inject(Fault.status("recordinginfo", 503, 1));
        poll();
        String marker = "marker-" + recorded;
        simulator().addCdr(Map.of("callid", marker, "calldate", WIRE.format(wallClock(Duration.ofSeconds(50))), "recordingurl", ""));
        // the failed poll pauses the next run (backoff); the one after reads the window again
        poll();
        poll();

        delivered(crm, "demo:ccs.cdr:" + marker);
        assertThat(delivered(crm, "demo:ccs.cdr:" + recorded).at("/data/recording/url").asText()).endsWith(recorded + ".mp3");
        assertThat(requestsFor(crm, "demo:ccs.cdr:" + recorded)).as("held back, then sent once with its details").hasSize(1);
    }

    @Test
    void aRecordTheCrmRefusedIsNotSentAgainByLaterPollsUntilTheDeadLettersAreReplayed() throws Exception {
        String poison = simulator().generateCdrs(1, wallClock(Duration.ofMinutes(3)), wallClock(Duration.ofMinutes(2))).get(0);
        String poisonId = "demo:ccs.cdr:" + poison;
        crm.answerWhen(r -> poisonId.equals(r.header("Idempotency-Key")), Answer.status(400));

        for (int poll = 1; poll <= 3; poll++) {
            // every poll reads the refused record again through the overlap, and one new record after it
            String marker = simulator().generateCdrs(1, wallClock(Duration.ofSeconds(50)), wallClock(Duration.ofSeconds(40))).get(0);
            poll();
            delivered(crm, "demo:ccs.cdr:" + marker);
        }
        assertThat(deadLetters()).containsKey(poisonId);
        assertThat(requestsFor(crm, poisonId)).as("sent once, refused, never again").hasSize(1);

        crm.clearRules();
        HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/dead-letters/replay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(202);
        delivered(crm, poisonId);
        await().atMost(PATIENCE).until(() -> !deadLetters().containsKey(poisonId));

        String marker = simulator().generateCdrs(1, wallClock(Duration.ofSeconds(30)), wallClock(Duration.ofSeconds(20))).get(0);
        poll();
        delivered(crm, "demo:ccs.cdr:" + marker);
        assertThat(requestsFor(crm, poisonId)).extracting(RecordingHttpServer.Received::status).containsExactly(400, 200);
    }

    @Test
    void aRecordListedTwiceReachesTheCrmOnceAndEntriesThatAreNoRecordsAreSetAsideWithoutStoppingTheSync() throws Exception {
        String callDate = WIRE.format(wallClock(Duration.ofMinutes(2)));
        Map<String, Object> record = Map.of("callid", "listed-twice", "calldate", callDate, "callerid", "05321112233");
        simulator().addCdr(record);
        simulator().addCdrEntry("listed-twice-again", callDate, new ObjectMapper().writeValueAsString(record));
        simulator().addCdrEntry("a-text", callDate, "\"x\"");
        // holds nothing to keep: the split passes over it
        simulator().addCdrEntry("a-null", callDate, "null");
        // a duration is no reason to hold a call back: it is named unreadable, and the record goes on
        simulator().addCdr(Map.of("callid", "odd-duration", "calldate", callDate, "duration", 12.5));

        for (int poll = 1; poll <= 2; poll++) {
            String marker = simulator().generateCdrs(1, wallClock(Duration.ofSeconds(50)), wallClock(Duration.ofSeconds(40))).get(0);
            poll();
            delivered(crm, "demo:ccs.cdr:" + marker);
        }

        assertThat(requestsFor(crm, "demo:ccs.cdr:listed-twice")).hasSize(1);
        assertThat(delivered(crm, "demo:ccs.cdr:odd-duration").at("/data/unreadable/duration").asText()).contains("duration");
        assertThat(deadLetters().values()).filteredOn(letter -> letter.get("kind").asText().equals("cdr-record"))
                .singleElement().satisfies(letter -> assertThat(letter.get("reason").asText()).isEqualTo("record is not a JSON object but x"));
    }

    @Test
    void aFortyMinuteCallWhoseRecordAppearsFortyMinutesAfterItsStartIsDeliveredOnceByTheSettleSweep() {
        int logBefore = LogCapture.text().length();
        String longCall = simulator().endLongCall(Duration.ofMinutes(40));
        String longCallId = "demo:ccs.cdr:" + longCall;
        String marker = simulator().generateCdrs(1, wallClock(Duration.ofSeconds(50)), wallClock(Duration.ofSeconds(40))).get(0);
        poll();
        delivered(crm, "demo:ccs.cdr:" + marker);
        assertThat(requestsFor(crm, longCallId)).as("filed 40 minutes back, behind the checkpoint's overlap").isEmpty();

        settle();
        delivered(crm, longCallId);
        assertThat(LogCapture.text().substring(logBefore)).containsPattern("CDR settle sweep of tenant demo read .* again: 2 records in 1 pages");

        settle();
        String later = simulator().generateCdrs(1, wallClock(Duration.ofSeconds(30)), wallClock(Duration.ofSeconds(20))).get(0);
        poll();
        delivered(crm, "demo:ccs.cdr:" + later);
        assertThat(requestsFor(crm, longCallId)).hasSize(1);
    }

    @Test
    void aSettleSweepStillReadingWhenTheNextIsDueIsNotJoinedByASecondSweepOfTheSameTenant() throws Exception {
        poll();
        int pagesBefore = simulator().requests("reportsCDRLogs").size();
        simulator().inject(Fault.delay("reportsCDRLogs", 3000, 1));
        CompletableFuture<Object> first = template.asyncSendBody("direct:cdr-settle", null);
        await().atMost(PATIENCE).until(() -> simulator().requests("reportsCDRLogs").size() > pagesBefore);

        // the timer's next sweep, due while the first one still waits for its page
        settle();
        first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(simulator().requests("reportsCDRLogs")).as("the pages of one sweep, its window a page").hasSize(pagesBefore + 1);
        settle();
        assertThat(simulator().requests("reportsCDRLogs")).as("a sweep after it reads as before").hasSize(pagesBefore + 2);
    }

    private void settle() {
        template.sendBody("direct:cdr-settle", null);
    }
}
