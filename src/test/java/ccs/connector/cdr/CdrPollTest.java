package ccs.connector.cdr;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static ccs.connector.cdr.CdrTestRecords.WIRE;
import static ccs.connector.cdr.CdrTestRecords.eventFile;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CDR poll (routes cdr-poll and cdr-window) against the simulator over real HTTP, into the
 * real outbox and file sink. Each test places the checkpoint and its records, then runs one
 * round of polls through direct:cdr-poll, as the timer does every ccs.cdr.interval.
 */
class CdrPollTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.page-cap", "3");
        settings.setProperty("ccs.cdr.lag", "1s");
        settings.setProperty("ccs.cdr.overlap", "5m");
        // an upstream that does not answer in time is a failed poll
        settings.setProperty("ccs.api.cdr-timeout", "2s");
    }

    @BeforeAll
    void captureLogs() {
        LogCapture.install();
    }

    @BeforeEach
    void freshUpstream() {
        simulator().clearCdrs();
        simulator().clearFaults();
        simulator().answerCursorsAsNumbers(false);
        // a good poll ends any pause after failures of an earlier test
        simulator().clearRequests();
        await().atMost(PATIENCE).until(() -> {
            poll();
            return !cdrRequests().isEmpty();
        });
        simulator().clearRequests();
        // no settle sweep ran before the test: each reaches back from where the test places the checkpoint
        stateStore().update("UPDATE CDR_CHECKPOINT SET settled_up_to_ms = NULL, settle_rest_from_ms = NULL, settle_rest_to_ms = NULL");
    }

    @Test
    void twoHundredFiftyRecordsTakeThreeRequestsWithChainedCursorsAndBecome250Events() throws Exception {
        Instant checkpoint = placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(250, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));

        poll();

        List<ApiRequest> requests = cdrRequests();
        assertThat(requests).hasSize(3);
        Map<String, String> first = requests.get(0).params();
        assertThat(first).doesNotContainKey("cursor").containsEntry("sorting", "asc")
                .containsEntry("startdate", wire(checkpoint.minus(Duration.ofMinutes(5))));
        assertThat(first.get("finishdate")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        // each request carries the cursor of the answer before it, as the simulator gives it for the same request
        assertThat(requests.get(1).params().get("cursor")).isEqualTo(cursorAnswered(requests.get(0))).isNotBlank();
        assertThat(requests.get(2).params().get("cursor")).isEqualTo(cursorAnswered(requests.get(1))).isNotBlank()
                .isNotEqualTo(requests.get(1).params().get("cursor"));
        for (ApiRequest request : requests) {
            assertThat(request.params()).containsEntry("startdate", first.get("startdate")).containsEntry("finishdate", first.get("finishdate"));
        }
        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(checkpoint).isBeforeOrEqualTo(Instant.now());

        JsonNode event = json.readTree(eventFile(dataDir, keys.get(0)).toFile());
        assertThat(event.get("id").asText()).isEqualTo("demo:ccs.cdr:" + keys.get(0));
        assertThat(event.get("type").asText()).isEqualTo("ccs.cdr");
        assertThat(event.at("/data/startedAt").asText()).endsWith("Z")
                .isEqualTo(LocalDateTime.parse(event.at("/data/raw/calldate").asText().replace(' ', 'T')).atZone(ISTANBUL).toInstant().toString());
        assertThat(event.at("/data/raw/callid").asText()).isEqualTo(keys.get(0));
    }

    @Test
    void aCursorAnsweredAsANumberIsFollowedAsOneAnsweredAsText() throws Exception {
        // the vendor calls the cursor a value and shows none: taken for no cursor, a number cut every run after its
        // first page, and a settle sweep read the first 100 records of its window again and again, never the rest
        simulator().answerCursorsAsNumbers(true);
        Instant checkpoint = placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(250, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));

        poll();

        List<ApiRequest> requests = cdrRequests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).params().get("cursor")).matches("\\d+");
        assertThat(requests.get(2).params().get("cursor")).matches("\\d+").isNotEqualTo(requests.get(1).params().get("cursor"));
        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(checkpoint);
    }

    @Test
    void exactlyOneHundredRecordsAreAllDeliveredAndTheLoopEndsOnTheEmptyPage() throws Exception {
        Instant checkpoint = placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(100, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));
        int logged = LogCapture.text().length();

        poll();

        List<ApiRequest> requests = cdrRequests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).params().get("cursor")).isEqualTo(cursorAnswered(requests.get(0)));
        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(checkpoint);
        assertThat(LogCapture.text().substring(logged)).as("the window is read: nothing to warn of").doesNotContain("stops paging");
    }

    @Test
    void anEmptyWindowTakesOneRequestAndMovesTheCheckpoint() throws Exception {
        Instant checkpoint = placeCheckpoint(Duration.ofHours(1));

        poll();

        assertThat(cdrRequests()).hasSize(1);
        assertThat(checkpoint()).isAfter(checkpoint);
    }

    @Test
    void thePageCapCutsARunShortAndTheNextRunGoesOnFromTheLastRecordRead() throws Exception {
        placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(350, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));

        poll();

        assertThat(cdrRequests()).hasSize(3);
        Instant cut = checkpoint();
        assertThat(cut).as("the checkpoint stops at the last record read, well before the window's end")
                .isBefore(Instant.now().minus(Duration.ofMinutes(10)));
        assertThat(LogCapture.text()).contains("page cap of 3 pages");

        poll();
        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(cut);
    }

    @Test
    void aCursorThatRepeatsStopsThePagingAndTheNextRunGoesOn() throws Exception {
        placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(250, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));
        simulator().inject(Fault.staleCursor("reportsCDRLogs", 2));

        poll();

        assertThat(cdrRequests()).hasSize(2);
        assertThat(LogCapture.text()).contains("a cursor seen before");
        Instant cut = checkpoint();
        assertThat(cut).isBefore(Instant.now().minus(Duration.ofMinutes(10)));

        poll();
        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(cut);
    }

    @Test
    void aCursorThatAlwaysRepeatsStillGetsOnAPageARun() throws Exception {
        placeCheckpoint(Duration.ofHours(1));
        // more than a page within ccs.cdr.overlap: read again from the overlap, every run after the first read the same page
        // and the checkpoint stood still for good ("made no progress", advising a page cap that was not reached)
        List<String> keys = simulator().generateCdrs(250, wallClock(Duration.ofMinutes(14)), wallClock(Duration.ofMinutes(12)));
        simulator().inject(Fault.staleCursor("reportsCDRLogs", 1000));

        for (int run = 0; run < 3; run++) {
            poll();
        }

        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(Instant.now().minus(Duration.ofMinutes(5)));
    }

    @Test
    void aWindowWhoseLaterPagesAlwaysFailStillGetsOnAPageARun() throws Exception {
        placeCheckpoint(Duration.ofHours(1));
        // more than a page within ccs.cdr.overlap, as above
        List<String> keys = simulator().generateCdrs(250, wallClock(Duration.ofMinutes(14)), wallClock(Duration.ofMinutes(12)));
        // every page asked for by its cursor fails (a platform that expires its cursors at once)
        simulator().inject(Fault.status("reportsCDRLogs", 500, 1000).onlyWith("cursor"));

        // the runs after a failure are skipped (backoff): poll until they have read it all
        await().atMost(PATIENCE).until(() -> {
            poll();
            return keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key)));
        });
    }

    @Test
    void aRecordThatCannotBecomeAnEventIsSetAsideAndTheOthersGoOn() throws Exception {
        Instant checkpoint = placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(20, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));
        Map<String, Object> broken = new HashMap<>();
        broken.put("calldate", WIRE.format(wallClock(Duration.ofMinutes(30))));
        broken.put("callerid", "05321112233");
        simulator().addCdr(broken);

        poll();

        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(checkpoint);
        JsonNode listed = deadLetters().values().stream().filter(l -> l.get("kind").asText().equals("cdr-record")).findFirst().orElseThrow();
        assertThat(listed.get("reason").asText()).contains("callid");
        JsonNode letter = json.readTree(deadLetterTexts().get(listed.get("id").asText()));
        assertThat(letter.get("tenant").asText()).isEqualTo("demo");
        assertThat(letter.at("/record/callerid").asText()).isEqualTo("05321112233");
        assertThat(post("/api/v1/dead-letters/replay", null, null).body()).as("a record is for a person, not replayed").isEqualTo("{\"replaying\":0}");
    }

    @Test
    void aRecordThatSaysYesInOtherWordsIsDeliveredAsItSaysAndOneThatSaysNeitherHasTheFieldNamedUnreadable() throws Exception {
        placeCheckpoint(Duration.ofHours(1));
        String yes = "yes-" + System.nanoTime();
        String maybe = "maybe-" + System.nanoTime();
        simulator().addCdr(Map.of("callid", yes, "calldate", WIRE.format(wallClock(Duration.ofMinutes(30))), "inbound", "yes", "answered", "yes"));
        simulator().addCdr(Map.of("callid", maybe, "calldate", WIRE.format(wallClock(Duration.ofMinutes(20))), "inbound", true, "answered", "maybe"));

        poll();

        awaitDelivered(List.of(yes, maybe));
        JsonNode inbound = json.readTree(eventFile(dataDir, yes).toFile()).get("data");
        assertThat(inbound.get("direction").asText()).isEqualTo("inbound");
        assertThat(inbound.get("answered").asBoolean()).isTrue();
        assertThat(inbound.has("unreadable")).isFalse();
        JsonNode unsure = json.readTree(eventFile(dataDir, maybe).toFile()).get("data");
        assertThat(unsure.get("answered").isNull()).as("not taken for a no").isTrue();
        assertThat(unsure.at("/unreadable/answered").asText()).isEqualTo("answered is 'maybe': it must be true or false");
        assertThat(unsure.at("/raw/answered").asText()).isEqualTo("maybe");
    }

    @Test
    void aRecordThatCannotBeReadIsKeptScrubbedCountedAndLoggedOnceHoweverOftenItIsReadAndStaysDeletedOnceDeleted() throws Exception {
        placeCheckpoint(Duration.ofHours(1));
        String callKey = "unreadable-" + System.nanoTime();
        String session = "a3f9c1e07b5d4e2f";
        // a calldate the connector cannot read, and a recording link signed with the agent's session
        simulator().addCdrEntry(callKey, WIRE.format(wallClock(Duration.ofMinutes(30))), json.writeValueAsString(Map.of("callid", callKey,
                "calldate", "2.11.2026 10:00", "recordingurl", "https://recordings.invalid/demo/" + callKey + ".mp3?session=" + session)));
        String id = "demo:ccs.cdr.invalid:" + callKey + ":2.11.2026 10:00";
        double countedBefore = invalidRecordsCounted();

        poll();
        String failedAt = deadLetters().get(id).get("failedAt").asText();
        // every settle sweep reads it again, as backfills and the polls' overlap do
        template.sendBody("direct:cdr-settle", null);
        template.sendBody("direct:cdr-settle", null);

        assertThat(deadLetters().get(id).get("failedAt").asText()).as("the letter stays as it was kept").isEqualTo(failedAt);
        assertThat(deadLetterTexts().get(id)).as("scrubbed as an event's raw is").doesNotContain(session)
                .contains("/" + callKey + ".mp3?session=***");
        assertThat(invalidRecordsCounted()).as("one record, counted once").isEqualTo(countedBefore + 1);
        assertThat(LogCapture.text().split("kept as dead letter " + Pattern.quote(id), -1)).as("one WARN line").hasSize(2);

        // a person saw to the call and deleted its letter: the windows that read the record again do not bring it back
        assertThat(delete("/api/v1/dead-letters/" + id.replace(" ", "%20")).statusCode()).isEqualTo(204);
        template.sendBody("direct:cdr-settle", null);
        assertThat(deadLetters()).doesNotContainKey(id);
        assertThat(invalidRecordsCounted()).isEqualTo(countedBefore + 1);
    }

    /** Metric ccs_cdr_invalid_records_total of tenant demo so far. */
    private double invalidRecordsCounted() throws Exception {
        Matcher count = Pattern.compile("ccs_cdr_invalid_records_total\\{[^}]*tenant=\"demo\"[^}]*} (\\S+)")
                .matcher(get("/observe/metrics").body());
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }

    @Test
    void aWindowThatFailsAtALaterPageMovesTheCheckpointAsFarAsItsPagesInTheOutbox() throws Exception {
        Instant checkpoint = placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(250, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));
        // the second page fails (a long backlog whose later pages fail in every run would otherwise never get on)
        simulator().inject(Fault.status("reportsCDRLogs", 502, 1).onlyWith("cursor"));

        poll();

        assertThat(cdrRequests()).hasSize(2);
        Instant firstPage = checkpoint();
        assertThat(firstPage).as("the latest record of the first page, in the outbox").isAfter(checkpoint)
                .isBefore(Instant.now().minus(Duration.ofMinutes(10)));
        assertThat(LogCapture.text()).contains("CDR poll of tenant demo failed after 100 records in the outbox");

        poll();
        poll();
        // without reaching back ccs.cdr.overlap: the overlap may hold more than the pages a run gets through
        assertThat(cdrRequests().get(2).params()).as("the next run reads on from there").containsEntry("startdate", wire(firstPage));
        awaitDelivered(keys);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"status 500", "html", "timeout", "throttle"})
    void anUpstreamFaultLeavesTheCheckpointAndALaterRunRecovers(String fault) throws Exception {
        // each fault its own line: the runs before logged theirs
        int logged = LogCapture.text().length();
        Instant checkpoint = placeCheckpoint(Duration.ofHours(1));
        List<String> keys = simulator().generateCdrs(150, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));
        simulator().inject(switch (fault) {
            case "status 500" -> Fault.status("reportsCDRLogs", 500, 1);
            case "html" -> Fault.html("reportsCDRLogs", 1);
            case "timeout" -> Fault.delay("reportsCDRLogs", 4000, 1);
            default -> Fault.throttle("reportsCDRLogs", 1, 1);
        });

        poll();

        int failedRequests = cdrRequests().size();
        assertThat(failedRequests).as("the HTTP client does not repeat a request itself").isEqualTo(1);
        assertThat(checkpoint()).isEqualTo(checkpoint);
        assertThat(keys).noneMatch(key -> Files.exists(eventFile(dataDir, key)));
        assertThat(LogCapture.text().substring(logged)).contains("CDR poll of tenant demo failed");

        poll();
        assertThat(cdrRequests()).as("the run after a failure is skipped").hasSize(failedRequests);
        assertThat(checkpoint()).isEqualTo(checkpoint);

        poll();
        assertThat(cdrRequests()).hasSize(failedRequests + 2);
        awaitDelivered(keys);
        assertThat(checkpoint()).isAfter(checkpoint);
    }

    @Test
    void aLongCallThatEndedWhileTheConnectorWasStoppedIsDeliveredByTheFirstSettleSweepAfterTheStop() throws Exception {
        // the last poll and settle sweep before a stop of 40 minutes
        placeCheckpoint(Duration.ofMinutes(40));
        template.sendBody("direct:cdr-settle", null);
        // a call of 3h40m, begun 4h20m ago, ended during the stop: its record is filed under its start
        String longCall = simulator().generateCdrs(1, wallClock(Duration.ofMinutes(260)), wallClock(Duration.ofMinutes(259))).get(0);

        // after the stop the polls go on from the checkpoint, which jumps to now: the call began long before their window
        poll();
        assertThat(checkpoint()).isAfter(Instant.now().minus(Duration.ofMinutes(1)));
        assertThat(eventFile(dataDir, longCall)).doesNotExist();

        // four hours before the checkpoint alone is 20 minutes too late for it; before the previous sweep's, it is in
        template.sendBody("direct:cdr-settle", null);
        awaitDelivered(List.of(longCall));
    }

    @Test
    void aCheckpointThatAClockAheadLeftInTheFutureIsBroughtBackAndTheCallsSinceTheClockWasSetRightAreRead() throws Exception {
        // the node's clock ran 5 hours ahead (read in local time at boot) while it polled and swept, on this state store
        CdrSync clockAhead = new CdrSync(CdrTestRecords.DEMO, cdrState(), CdrTestRecords.settings(1000), true,
                Clock.offset(Clock.systemUTC(), Duration.ofHours(5)));
        CdrWindow window = clockAhead.pollWindow("demo");
        CdrWindow.pageRead(window, Map.of("cursor", "c", "CallList", List.of()));
        clockAhead.windowDone(window);
        clockAhead.finished("demo");
        CdrWindow sweep = clockAhead.settleWindow("demo");
        CdrWindow.pageRead(sweep, Map.of("cursor", "c", "CallList", List.of()));
        assertThat(clockAhead.settleDone(sweep)).isNull();
        clockAhead.settleFinished("demo");
        assertThat(checkpoint()).isAfter(Instant.now().plus(Duration.ofHours(4)));

        // NTP set it right, back by more than ccs.cdr.settle-window: the calls since, and one of 2 hours begun while it ran ahead
        List<String> calls = simulator().generateCdrs(5, wallClock(Duration.ofMinutes(3)), wallClock(Duration.ofSeconds(30)));
        String longCall = simulator().generateCdrs(1, wallClock(Duration.ofMinutes(121)), wallClock(Duration.ofMinutes(120))).get(0);

        poll();
        awaitDelivered(calls);
        assertThat(LogCapture.text()).containsPattern("CDR checkpoint of tenant demo was 4h[0-9ms]+ ahead of the clock, at .*: a clock "
                + "that ran ahead wrote it and was set back since. It is brought back to ");
        assertThat(Instant.parse(json.readTree(get("/api/v1/status").body()).at("/tenants/0/checkpoint").asText())).isBefore(Instant.now());

        // the sweep the clock ahead timed is due at once, and reaches back ccs.cdr.settle-window from now
        assertThat(context.getRegistry().lookupByNameAndType("cdrSync", CdrSync.class).settleDue()).containsExactly("demo");
        template.sendBody("direct:cdr-settle", null);
        awaitDelivered(List.of(longCall));
    }

    @Test
    void aSettleSweepThatThePageCapCutsShortGoesOnFromTheLastRecordReadUntilItsWindowIsRead() throws Exception {
        // behind the checkpoint, after the last poll: 350 late records filed 3h to 2h back, more than the page cap's 300,
        // and the record of a call of 20 minutes in the newer part of the sweep's window
        List<String> late = new ArrayList<>(simulator().generateCdrs(350, wallClock(Duration.ofMinutes(180)), wallClock(Duration.ofMinutes(120))));
        late.addAll(simulator().generateCdrs(1, wallClock(Duration.ofMinutes(25)), wallClock(Duration.ofMinutes(24))));

        template.sendBody("direct:cdr-settle", null);

        awaitDelivered(late);
        assertThat(LogCapture.text()).contains("(ccs.cdr.page-cap): it goes on from");
    }

    @Test
    void aSettleSweepThatFailsAtALaterPageHasTheNextGoOnFromItsPagesInTheOutbox() throws Exception {
        // behind the checkpoint: 250 late records filed 3h to 2h back, and the record of a call of 20 minutes at the end of
        // the sweep's window
        List<String> late = new ArrayList<>(simulator().generateCdrs(250, wallClock(Duration.ofMinutes(180)), wallClock(Duration.ofMinutes(120))));
        late.addAll(simulator().generateCdrs(1, wallClock(Duration.ofMinutes(25)), wallClock(Duration.ofMinutes(24))));
        // the sweep's second page fails, as a platform's occasional 502 does
        simulator().inject(Fault.status("reportsCDRLogs", 502, 1).onlyWith("cursor"));

        template.sendBody("direct:cdr-settle", null);

        List<ApiRequest> failed = cdrRequests();
        assertThat(failed).hasSize(2);
        assertThat(LogCapture.text()).contains("CDR settle sweep of tenant demo failed after 100 records in the outbox");
        String firstPageReachesTo = latestCallDate(failed.get(0));
        String checkpointSwept = failed.get(0).params().get("finishdate");
        simulator().clearRequests();

        template.sendBody("direct:cdr-settle", null);

        assertThat(cdrRequests().get(0).params()).as("the next sweep reads on from the latest record of the page in the outbox, "
                        + "up to the failed sweep's checkpoint, not its whole window again")
                .containsEntry("startdate", firstPageReachesTo).containsEntry("finishdate", checkpointSwept);
        awaitDelivered(late);

        // that sweep is done: the one after reaches back ccs.cdr.settle-window from its checkpoint
        simulator().clearRequests();
        template.sendBody("direct:cdr-settle", null);
        assertThat(cdrRequests().get(0).params())
                .containsEntry("startdate", WIRE.format(LocalDateTime.parse(checkpointSwept, WIRE).minusHours(4)));
    }

    /**
     * Another replica takes the lead while page 1 of the sweep's first part is in flight, or page 3, its last
     * (ccs.cdr.page-cap is 3 here): the deposed sweep asks for no further page, and the new leader's goes on from its
     * pages in the outbox. It paged on through its part beside the new leader's sweep, and a sweep deposed between two
     * parts left the new leader the whole settle window to read again.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void aSettleSweepCutShortOnAReplicaThatLostTheLeadershipLeavesTheRestToTheNewLeader(int deposedDuringPage) throws Exception {
        List<String> late = simulator().generateCdrs(350, wallClock(Duration.ofMinutes(180)), wallClock(Duration.ofMinutes(120)));
        // the page is held back (within ccs.api.cdr-timeout): once it is asked for, another replica takes the lead, and then
        // it comes; a delay left the test a fraction of a second to depose the leader in
        if (deposedDuringPage > 1) {
            simulator().inject(Fault.delay("reportsCDRLogs", 800, deposedDuringPage - 2).onlyWith("cursor"));
        }
        simulator().inject(deposedDuringPage == 1 ? Fault.hold("reportsCDRLogs", 1_800, 1) : Fault.hold("reportsCDRLogs", 1_800, 1).onlyWith("cursor"));
        CompletableFuture<Object> sweep = template.asyncSendBody("direct:cdr-settle", null);
        await().atMost(PATIENCE).until(() -> cdrRequests().size() >= deposedDuringPage);
        leadElsewhere();
        simulator().releaseHeld();
        List<ApiRequest> deposed;
        try {
            sweep.get(60, TimeUnit.SECONDS);
            deposed = cdrRequests();
            assertThat(deposed).as("the page in flight, then nothing").hasSize(deposedDuringPage);
        } finally {
            leadHere();
        }
        simulator().clearRequests();

        template.sendBody("direct:cdr-settle", null);
        assertThat(cdrRequests().get(0).params()).as("the next leader's sweep goes on from the pages in the outbox")
                .containsEntry("startdate", latestCallDate(deposed.get(deposedDuringPage - 1)));
        awaitDelivered(late);
    }

    /**
     * While the CRM is away (the bulk queue's consumers stopped), the records wait in the outbox; the next poll's overlap and
     * a settle sweep read them again: each read put them into the outbox again, about thirty copies of a record in all.
     */
    @Test
    void recordsWaitingInTheOutboxAreNotPutThereAgainByTheWindowsThatReadThemAgain() throws Exception {
        List<String> records;
        context.getRouteController().stopRoute("crm-delivery-bulk");
        try {
            int before = browse("ccs.outbox.bulk").size();
            placeCheckpoint(Duration.ofMinutes(3));
            records = simulator().generateCdrs(150, wallClock(Duration.ofMinutes(4)), wallClock(Duration.ofMinutes(1)));
            poll();
            assertThat(browse("ccs.outbox.bulk")).as("the poll's two pages").hasSize(before + 2);

            poll();
            template.sendBody("direct:cdr-settle", null);

            assertThat(simulator().requests("reportsCDRLogs").stream().filter(r -> r.params().containsKey("startdate")))
                    .as("two polls and a sweep").hasSizeGreaterThanOrEqualTo(5);
            assertThat(browse("ccs.outbox.bulk")).as("read again, already in the outbox").hasSize(before + 2);
        } finally {
            context.getRouteController().startRoute("crm-delivery-bulk");
        }
        awaitDelivered(records);
    }

    private void poll() {
        template.sendBody("direct:cdr-poll", null);
    }

    private List<ApiRequest> cdrRequests() {
        return simulator().requests("reportsCDRLogs");
    }

    /** Writes the tenant's checkpoint as if the last poll had ended {@code ago} before now; answers it. */
    private Instant placeCheckpoint(Duration ago) throws Exception {
        Instant at = Instant.now().minus(ago).truncatedTo(ChronoUnit.SECONDS);
        // back, as an operator moves it to sync again from an earlier time (a poll of this class moved it to now)
        stateStore().merge("CDR_CHECKPOINT", List.of("tenant"), List.of("tenant", "read_up_to_ms"), "demo", at.toEpochMilli());
        return at;
    }

    private Instant checkpoint() throws Exception {
        return cdrState().checkpoint("demo").orElseThrow();
    }

    private CdrState cdrState() {
        return context.getRegistry().lookupByNameAndType("cdrState", CdrState.class);
    }

    private static String wire(Instant at) {
        return WIRE.format(LocalDateTime.ofInstant(at, ISTANBUL));
    }

    /** The cursor the simulator answers to the same request (its keyset cursors are stable). */
    private String cursorAnswered(ApiRequest request) throws Exception {
        return answerTo(request).get("cursor").asText();
    }

    /** The latest calldate of the page the simulator answers to the same request. */
    private String latestCallDate(ApiRequest request) throws Exception {
        String latest = null;
        for (JsonNode record : answerTo(request).get("CallList")) {
            String callDate = record.get("calldate").asText();
            latest = latest == null || callDate.compareTo(latest) > 0 ? callDate : latest;
        }
        return latest;
    }

    /** What the simulator answers to the same request again. */
    private JsonNode answerTo(ApiRequest request) throws Exception {
        StringBuilder query = new StringBuilder();
        request.params().forEach((name, value) -> query.append(query.isEmpty() ? "" : "&")
                .append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(simulator().apiUrl() + "?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(answer.body());
    }

    private void awaitDelivered(List<String> keys) {
        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
    }
}
