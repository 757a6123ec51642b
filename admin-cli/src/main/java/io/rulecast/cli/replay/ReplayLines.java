package io.rulecast.cli.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.rulecast.event.Json;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Failure;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of SPEC.md "Replay output": one JSON object per output, keys in the documented order.
 */
public final class ReplayLines {
    private static final ObjectWriter WRITER =
            Json.MAPPER.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private ReplayLines() {}

    public static Map<String, Object> emission(String eventId, String rule, Emission e) {
        Map<String, Object> m = head(eventId, rule);
        if (e instanceof Emission.Upsert u) {
            m.put("kind", "upsert");
            m.put("table", u.table());
            m.put("row", u.row());
        } else if (e instanceof Emission.Delete d) {
            m.put("kind", "delete");
            m.put("table", d.table());
            m.put("key", d.key());
        } else if (e instanceof Emission.Alert a) {
            m.put("kind", "alert");
            m.put("level", a.level());
            m.put("message", a.message());
            m.put("fields", a.fields());
        } else if (e instanceof Emission.Metric x) {
            m.put("kind", "metric");
            m.put("name", x.name());
            m.put("value", x.value());
            m.put("tags", x.tags());
        }
        return m;
    }

    public static Map<String, Object> failure(String eventId, String rule, Failure f) {
        return failure(eventId, rule, f.reason().name(), f.message());
    }

    /**
     * A rule that failed on the event: a {@link io.rulecast.runtime.FailureReason} name, or one of
     * the routing core's dead-letter reasons ({@code BAD_OUTPUT}, {@code CIRCUIT_OPEN}).
     */
    public static Map<String, Object> failure(
            String eventId, String rule, String reason, String message) {
        Map<String, Object> m = head(eventId, rule);
        m.put("kind", "failure");
        m.put("reason", reason);
        m.put("message", message);
        return m;
    }

    /** An event that never reached a rule; {@code eventId} when the input had one, else null. */
    public static Map<String, Object> rejected(String eventId, String reason, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", eventId);
        m.put("kind", "rejected");
        m.put("reason", reason);
        m.put("message", message);
        return m;
    }

    private static Map<String, Object> head(String eventId, String rule) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", eventId);
        m.put("rule", rule);
        return m;
    }

    /** One line of output, compact, numbers written plainly. */
    public static String format(Map<String, Object> line) {
        try {
            return WRITER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write replay line " + line, e);
        }
    }
}
