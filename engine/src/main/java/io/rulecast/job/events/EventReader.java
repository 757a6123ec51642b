package io.rulecast.job.events;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.Json;
import io.rulecast.runtime.PlainData;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reads the envelope of a record's value; the job's single entry to event parsing. */
public final class EventReader implements Serializable {
    private static final long serialVersionUID = 1L;

    /** An event, or why the value is not one. */
    public record Result(BusinessEvent event, String reason, String message) {
        public boolean ok() {
            return event != null;
        }
    }

    private final long maxBytes;

    public EventReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    // Interim parser until io.rulecast.event.EventParser is merged.
    @SuppressWarnings("unchecked")
    public Result read(byte[] value) {
        if (value == null) {
            return new Result(null, "MALFORMED_JSON", "record has no value");
        }
        if (value.length > maxBytes) {
            return new Result(null, "TOO_LARGE", "event of " + value.length + " bytes");
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(new String(value, StandardCharsets.UTF_8));
        } catch (Exception e) {
            return new Result(null, "MALFORMED_JSON", e.getMessage());
        }
        for (String f : new String[] {"eventId", "domain", "type", "timestamp", "payload"}) {
            if (m.get(f) == null) {
                return new Result(null, "MISSING_FIELD", "missing " + f);
            }
        }
        if (!(m.get("payload") instanceof Map)) {
            return new Result(null, "WRONG_TYPE", "payload must be an object");
        }
        if (!(m.get("timestamp") instanceof Number n)) {
            return new Result(null, "WRONG_TYPE", "timestamp must be a number");
        }
        return new Result(
                new BusinessEvent(
                        m.get("eventId").toString(),
                        m.get("domain").toString(),
                        m.get("type").toString(),
                        n.longValue(),
                        PlainData.readOnly((Map<String, Object>) m.get("payload")),
                        null,
                        null),
                null,
                null);
    }
}
