package ccs.connector.cdr;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ccs.connector.api.NotFoundException;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the answer of function {@code recordinginfo} (with the call's {@code callkey}): the recording's
 * details as Call Center Studio gives them, under {@code RecordingInfo} (its link under {@code url}).
 * For the tenants that ask for it ({@code ccs.cdr.recording-details}), a {@code ccs.cdr} event with a
 * recording link carries these details too, as {@code data.recording}, scrubbed of secrets as the rest of the event
 * (a link signed with {@code session=} arrives masked, as in {@code recordingUrl}).
 */
public final class Recordings {

    private static final Logger LOG = LoggerFactory.getLogger(Recordings.class);

    private final Set<String> detailedTenants;
    private final Secrets secrets;

    /** @param detailedTenants the tenants whose ccs.cdr events carry the recording's details */
    public Recordings(Set<String> detailedTenants, Secrets secrets) {
        this.detailedTenants = Set.copyOf(detailedTenants);
        this.secrets = secrets;
    }

    /** Whether this ccs.cdr event gets its recording's details: its tenant asks for them and it has a recording link. */
    public boolean wanted(CloudEvent event) {
        return detailedTenants.contains(event.getTenant()) && event.getData().get("recordingUrl") instanceof String url && !url.isBlank();
    }

    /**
     * The event with the recording's details as data.recording; unchanged when Call Center Studio has none, or answers
     * without its link (a WARN line): the record still goes to the CRM with its {@code recordingUrl}, where an error
     * would hold its window, and every poll's after it, back for good.
     */
    public CloudEvent attach(CloudEvent event, Map<String, Object> answer) {
        if (refused(answer)) {
            return event;
        }
        String callKey = String.valueOf(event.getData().get("callKey"));
        if (!hasLink(answer)) {
            LOG.warn("Call Center Studio answered recordinginfo of call {} without RecordingInfo.url: its ccs.cdr event goes without "
                    + "data.recording", callKey);
            return event;
        }
        return event.withData("recording", secrets.scrub(read(answer, callKey)));
    }

    /**
     * The event without the recording's details, since Call Center Studio answered {@code recordinginfo} of its call with an
     * error of its own (another status than a 502, 503 or 504, or a body that cannot be read; a WARN line): a recording the
     * platform cannot answer for would hold the tenant's CDR sync back at that record for good.
     */
    public CloudEvent withoutDetails(CloudEvent event, UpstreamException failure) {
        LOG.warn("Call Center Studio failed recordinginfo of call {}: its ccs.cdr event goes without data.recording ({})",
                event.getData().get("callKey"), failure.getMessage());
        return event;
    }

    /** The parameters of {@code recordinginfo} for one call. */
    public Map<String, Object> params(String callKey) {
        return Map.of("callkey", callKey);
    }

    /** The recording's details, its link first as {@code url}; a call without one is 404. */
    public Map<String, Object> read(Map<String, Object> answer, String callKey) {
        if (refused(answer)) {
            throw new NotFoundException("no recording of call " + callKey + " (" + answer.get("message") + ")");
        }
        if (!hasLink(answer)) {
            throw new UpstreamException("Call Center Studio answered a recordinginfo without RecordingInfo.url");
        }
        Map<String, Object> recording = new LinkedHashMap<>();
        recording.put("callKey", callKey);
        ((Map<?, ?>) answer.get("RecordingInfo")).forEach((name, value) -> recording.put(name.toString(), value));
        return recording;
    }

    /**
     * The platform says the call has no recording: a {@code success} other than true. An answer without one is read for its
     * link like any other (reportsCDRLogs's answers carry none either): taken for "no recording", a link the platform gave
     * that way was a 404, and an answer of another shape too, where it is a 502 naming what is missing.
     */
    private static boolean refused(Map<String, Object> answer) {
        return answer.containsKey("success") && !Boolean.TRUE.equals(answer.get("success"));
    }

    private static boolean hasLink(Map<String, Object> answer) {
        return answer.get("RecordingInfo") instanceof Map<?, ?> info && info.get("url") instanceof String;
    }
}
