package ccs.connector.cdr;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ccs.connector.ccs.UpstreamException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The paging rules of one CDR window: when another page is asked for, and how far a window counts as read. */
class CdrWindowTest {

    private static final LocalDateTime START = LocalDateTime.parse("2026-11-02T09:00:00");
    private static final LocalDateTime FINISH = LocalDateTime.parse("2026-11-02T10:00:00");

    private static CdrWindow window(boolean ascending, int pageCap) {
        return new CdrWindow("demo", ZoneId.of("Europe/Istanbul"), START, FINISH, "poll", ascending, pageCap);
    }

    /** An answer with {@code size} records whose call dates run from 09:00:00 one second apart, after {@code offset}. */
    private static Map<String, Object> page(int size, int offset, String cursor) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            records.add(Map.of("callid", "c" + (offset + i), "calldate", CdrWindow.WIRE_TIME.format(START.plusSeconds(offset + i))));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("cursor", cursor);
        answer.put("CallList", records);
        return answer;
    }

    /** A page of 100 entries: {@code readable} records as {@link #page} makes them, then {@code others} as the platform sent them. */
    private static Map<String, Object> fullPage(int readable, Object... others) {
        Map<String, Object> answer = page(readable, 0, "c1");
        @SuppressWarnings("unchecked")
        List<Object> records = new ArrayList<>((List<Object>) answer.get("CallList"));
        records.addAll(List.of(others));
        answer.put("CallList", records);
        return answer;
    }

    @Test
    void theFirstRequestNamesTheWindowOnTheWireAndCarriesNoCursor() {
        CdrWindow window = window(true, 10);
        assertThat(window.hasNextPage()).isTrue();
        assertThat(window.pageParams()).containsExactly(Map.entry("startdate", "2026-11-02 09:00:00"),
                Map.entry("finishdate", "2026-11-02 10:00:00"), Map.entry("sorting", "asc"));
        assertThat(window(false, 10).pageParams()).containsEntry("sorting", "desc");
    }

    @Test
    void fullPagesChainTheirCursorsAndAShortPageEndsTheWindow() {
        CdrWindow window = window(true, 10);
        CdrWindow.pageRead(window, page(100, 0, "c1"));
        assertThat(window.hasNextPage()).isTrue();
        assertThat(window.pageParams()).containsEntry("cursor", "c1");
        CdrWindow.pageRead(window, page(100, 100, "c2"));
        assertThat(window.pageParams()).containsEntry("cursor", "c2");
        CdrWindow.pageRead(window, page(50, 200, "c3"));

        assertThat(window.hasNextPage()).isFalse();
        assertThat(window.getStop()).isEqualTo(CdrWindow.Stop.LAST_PAGE);
        assertThat(window.complete()).isTrue();
        assertThat(window.getPages()).isEqualTo(3);
        assertThat(window.getRecords()).isEqualTo(250);
        assertThat(window.readUpTo()).contains(FINISH);
    }

    @Test
    void anEmptyFirstPageIsAnEmptyWindowAndAnEmptyLaterPageEndsItToo() {
        CdrWindow empty = window(true, 10);
        CdrWindow.pageRead(empty, page(0, 0, "c0"));
        assertThat(empty.getStop()).isEqualTo(CdrWindow.Stop.LAST_PAGE);
        assertThat(empty.readUpTo()).contains(FINISH);

        CdrWindow hundred = window(true, 10);
        CdrWindow.pageRead(hundred, page(100, 0, "c1"));
        CdrWindow.pageRead(hundred, page(0, 0, "c1"));
        assertThat(hundred.getStop()).isEqualTo(CdrWindow.Stop.EMPTY_PAGE);
        assertThat(hundred.complete()).isTrue();
        assertThat(hundred.getRecords()).isEqualTo(100);
    }

    @Test
    void aCursorSeenBeforeOrNoCursorAfterAFullPageStopsThePaging() {
        CdrWindow same = window(true, 10);
        CdrWindow.pageRead(same, page(100, 0, "c1"));
        CdrWindow.pageRead(same, page(100, 100, "c1"));
        assertThat(same.getStop()).isEqualTo(CdrWindow.Stop.REPEATED_CURSOR);

        CdrWindow cycle = window(true, 10);
        CdrWindow.pageRead(cycle, page(100, 0, "c1"));
        CdrWindow.pageRead(cycle, page(100, 100, "c2"));
        CdrWindow.pageRead(cycle, page(100, 200, "c1"));
        assertThat(cycle.getStop()).isEqualTo(CdrWindow.Stop.REPEATED_CURSOR);
        assertThat(cycle.complete()).isFalse();

        CdrWindow none = window(true, 10);
        CdrWindow.pageRead(none, page(100, 0, ""));
        assertThat(none.getStop()).isEqualTo(CdrWindow.Stop.REPEATED_CURSOR);
    }

    @Test
    void thePageCapStopsTheRunAndTheWindowCountsAsReadUpToItsLatestRecord() {
        CdrWindow window = window(true, 2);
        CdrWindow.pageRead(window, page(100, 0, "c1"));
        CdrWindow.pageRead(window, page(100, 100, "c2"));

        assertThat(window.getStop()).isEqualTo(CdrWindow.Stop.PAGE_CAP);
        assertThat(window.complete()).isFalse();
        assertThat(window.readUpTo()).contains(START.plusSeconds(199));
    }

    @Test
    void aWindowCutShortCountsOnlyCallDatesItCanReadAndNoneBeyondItsFinish() {
        CdrWindow window = window(true, 1);
        // the platform's own slips: each is dead-lettered on its own, and none may stop the sync or skip records
        Map<String, Object> answer = fullPage(97, Map.of("callid", "offset", "calldate", "2026-11-02T09:30:00+03:00"),
                Map.of("callid", "later", "calldate", "2026-11-02 11:00:00"), "not a record");

        CdrWindow.pageRead(window, answer);

        assertThat(window.getStop()).isEqualTo(CdrWindow.Stop.PAGE_CAP);
        assertThat(window.readUpTo()).contains(START.plusSeconds(96));
    }

    @Test
    void aWindowCutShortCountsACallDateWrittenWithATOrAFractionOfASecondAsReadUpToItsSecond() {
        CdrWindow window = window(true, 1);
        Map<String, Object> answer = fullPage(99, Map.of("callid", "fraction", "calldate", "2026-11-02T09:30:00.750"));

        CdrWindow.pageRead(window, answer);

        assertThat(window.getStop()).isEqualTo(CdrWindow.Stop.PAGE_CAP);
        assertThat(window.readUpTo()).as("its second: the next run reads it again").contains(START.plusMinutes(30));
    }

    @Test
    void aWindowCutShortCountsACallDateWithBlanksAroundItAsItsEventReadsIt() {
        CdrWindow window = window(true, 1);
        Map<String, Object> answer = fullPage(99, Map.of("callid", "blanks", "calldate", " 2026-11-02 09:30:00 "));

        CdrWindow.pageRead(window, answer);

        assertThat(window.readUpTo()).contains(START.plusMinutes(30));
    }

    @Test
    void aWindowAskedForOldestFirstThatGetsAnEarlierRecordAfterALaterOneCountsAsNotReadAtAll() {
        // the platform ignored sorting=asc: the latest record read says nothing of the earlier ones still to come
        CdrWindow window = window(true, 2);
        Map<String, Object> newestFirst = page(100, 100, "c1");
        @SuppressWarnings("unchecked")
        List<Object> records = new ArrayList<>((List<Object>) newestFirst.get("CallList"));
        Collections.reverse(records);
        newestFirst.put("CallList", records);

        CdrWindow.pageRead(window, newestFirst);
        window.pagePublished();
        CdrWindow.pageRead(window, page(100, 0, "c2"));

        assertThat(window.getStop()).isEqualTo(CdrWindow.Stop.PAGE_CAP);
        assertThat(window.readUpTo()).isEmpty();
        assertThat(window.publishedUpTo()).isEmpty();
    }

    /** A platform whose cursor goes stale answers the first page again: no sign of an order not kept. */
    @Test
    void aWindowAskedForOldestFirstWhosePageIsRepeatedCountsAsReadUpToItsLatestRecord() {
        CdrWindow window = window(true, 3);
        CdrWindow.pageRead(window, page(100, 0, "c1"));
        CdrWindow.pageRead(window, page(100, 0, "c1"));

        assertThat(window.getStop()).isEqualTo(CdrWindow.Stop.REPEATED_CURSOR);
        assertThat(window.readUpTo()).contains(START.plusSeconds(99));
    }

    @Test
    void aWindowCutShortWithNewestRecordsFirstCountsAsNotReadAtAll() {
        CdrWindow window = window(false, 1);
        CdrWindow.pageRead(window, page(100, 0, "c1"));

        assertThat(window.getStop()).isEqualTo(CdrWindow.Stop.PAGE_CAP);
        assertThat(window.readUpTo()).isEmpty();
    }

    @Test
    void anAnswerWithoutCallListIsAnUpstreamFaultNeverAnEmptyPage() {
        CdrWindow window = window(true, 10);
        assertThatThrownBy(() -> CdrWindow.pageRead(window, Map.of("success", false, "message", "Invalid Application Token")))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("refused reportsCDRLogs: Invalid Application Token");
        assertThatThrownBy(() -> CdrWindow.pageRead(window, Map.of("success", true)))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("answered reportsCDRLogs without a CallList");
        assertThat(window.hasNextPage()).isTrue();
    }

    @Test
    void aFailureEnvelopeWithAnEmptyCallListIsAnUpstreamFaultNeverTheWindowsLastPage() {
        CdrWindow window = window(true, 10);
        assertThatThrownBy(() -> CdrWindow.pageRead(window, Map.of("success", false, "message", "Yanlış API anahtarı", "CallList", List.of())))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("refused reportsCDRLogs: Yanlış API anahtarı");
        assertThat(window.hasNextPage()).isTrue();
        assertThat(window.readUpTo()).isEmpty();
    }

    @Test
    void aWindowCannotFinishBeforeItStarts() {
        assertThatThrownBy(() -> new CdrWindow("demo", ZoneId.of("UTC"), FINISH, START, "poll", true, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
