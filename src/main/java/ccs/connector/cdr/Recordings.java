package ccs.connector.cdr;

import java.util.LinkedHashMap;
import java.util.Map;

import ccs.connector.api.NotFoundException;
import ccs.connector.ccs.UpstreamException;

/**
 * Reads the answer of function {@code recordinginfo} (with the call's {@code callkey}): the recording's
 * details as Call Center Studio gives them, under {@code RecordingInfo} (its link under {@code url}).
 */
public final class Recordings {

    /** The parameters of {@code recordinginfo} for one call. */
    public Map<String, Object> params(String callKey) {
        return Map.of("callkey", callKey);
    }

    /** The recording's details, its link first as {@code url}; a call without one is 404. */
    public Map<String, Object> read(Map<String, Object> answer, String callKey) {
        if (!Boolean.TRUE.equals(answer.get("success"))) {
            throw new NotFoundException("no recording of call " + callKey + " (" + answer.get("message") + ")");
        }
        if (!(answer.get("RecordingInfo") instanceof Map<?, ?> info) || !(info.get("url") instanceof String)) {
            throw new UpstreamException("Call Center Studio answered a recordinginfo without RecordingInfo.url");
        }
        Map<String, Object> recording = new LinkedHashMap<>();
        recording.put("callKey", callKey);
        info.forEach((name, value) -> recording.put(name.toString(), value));
        return recording;
    }
}
