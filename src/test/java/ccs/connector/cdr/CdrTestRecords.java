package ccs.connector.cdr;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.event.CloudEvent;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Received;

/** What the CDR tests share: the demo tenant's wall clock, event ids of call keys, and what reached the CRM. */
public final class CdrTestRecords {

    /** The zone of the demo tenant (ccs.timezone) and of the simulator's records. */
    public static final ZoneId ISTANBUL = ZoneId.of("Europe/Istanbul");
    static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    public static final Tenants DEMO = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1:1/api/", "token", ISTANBUL)), "demo");

    private CdrTestRecords() {
    }

    /** The shipped CDR settings (no start setting), with a backoff of at most five intervals. */
    /** A full page (100 records, so more may follow) of the window, every record of one call date ({@code yyyy-MM-dd HH:mm:ss}). */
    static void readFullPage(CdrWindow window, String cursor, String callDate) {
        CdrWindow.pageRead(window, Map.of("cursor", cursor, "CallList", Collections.nCopies(100, Map.of("calldate", callDate))));
    }

    public static CdrSettings settings(int pageCap) {
        return new CdrSettings(Duration.ofSeconds(60), Optional.empty(), Duration.ofMinutes(5), Duration.ofSeconds(10), pageCap, true,
                Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofHours(4), Duration.ofDays(7));
    }

    /** The tenant's wall clock {@code ago} before now, to the second. */
    public static LocalDateTime wallClock(Duration ago) {
        return LocalDateTime.now(ISTANBUL).minus(ago).withNano(0);
    }

    public static List<String> eventIds(List<String> callKeys) {
        return callKeys.stream().map(key -> "demo:ccs.cdr:" + key).toList();
    }

    /** Where the file sink writes the event of a call. */
    static Path eventFile(Path dataDir, String callKey) {
        return dataDir.resolve("crm-out").resolve(CloudEvent.fileName("demo:ccs.cdr:" + callKey));
    }

    /** Successful deliveries at a REST CRM, per Idempotency-Key (the event id). */
    public static Map<String, Long> deliveries(RecordingHttpServer crm) {
        return crm.received().stream().filter(Received::answeredOk).map(r -> r.header("Idempotency-Key"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
