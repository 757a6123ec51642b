package io.rulecast.routing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.rulecast.event.Json;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Failure;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lines of SPEC.md "Replay output": one JSON object per output, keys in the documented order;
 * printed by {@code rulecast replay}; {@link #sameOutput} compares two runs for the shadow runs of
 * a rollout candidate in the job and in replay.
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

    /**
     * What one run of a rule over an event gave, as replay prints it: its emissions in order, or
     * one failure line.
     */
    public static List<Map<String, Object>> of(String eventId, String rule, RuleRunner.Run run) {
        if (!run.ok()) {
            return List.of(failure(eventId, rule, run.reason().name(), run.message()));
        }
        List<Emission> emissions = run.outcome().emissions();
        List<Map<String, Object>> lines = new ArrayList<>(emissions.size());
        for (Emission e : emissions) {
            lines.add(emission(eventId, rule, e));
        }
        return lines;
    }

    /**
     * Whether two runs of one rule over one event gave the same output, as {@code replay --expect}
     * compares their lines ({@link #of}): the emissions in order, upserts and deletes by table, key
     * and columns, alerts and metrics by all their fields, objects by their keys in any order,
     * numbers by value ({@code 5} equals {@code 5.0}); a failure by its reason, its message not
     * compared. On the emissions themselves, without building lines, because a shadow run compares
     * every event.
     */
    public static boolean sameOutput(RuleRunner.Run a, RuleRunner.Run b) {
        if (a.ok() != b.ok()) {
            return false;
        }
        if (!a.ok()) {
            return a.reason() == b.reason();
        }
        List<Emission> x = a.outcome().emissions();
        List<Emission> y = b.outcome().emissions();
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!sameEmission(x.get(i), y.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameEmission(Emission a, Emission b) {
        if (a instanceof Emission.Upsert u && b instanceof Emission.Upsert v) {
            return u.table().equals(v.table()) && equal(u.row(), v.row());
        }
        if (a instanceof Emission.Delete u && b instanceof Emission.Delete v) {
            return u.table().equals(v.table()) && equal(u.key(), v.key());
        }
        if (a instanceof Emission.Alert u && b instanceof Emission.Alert v) {
            return Objects.equals(u.level(), v.level())
                    && Objects.equals(u.message(), v.message())
                    && equal(u.fields(), v.fields());
        }
        if (a instanceof Emission.Metric u && b instanceof Emission.Metric v) {
            return u.name().equals(v.name())
                    && equal(u.value(), v.value())
                    && equal(u.tags(), v.tags());
        }
        return false;
    }

    private static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Number x && b instanceof Number y) {
            if (a.getClass() == b.getClass()
                    && !(a instanceof Double || a instanceof Float || a instanceof BigDecimal)) {
                return a.equals(b);
            }
            BigDecimal dx = decimal(x);
            BigDecimal dy = decimal(y);
            return dx == null || dy == null
                    ? Double.compare(x.doubleValue(), y.doubleValue()) == 0
                    : dx.compareTo(dy) == 0;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                Object other = y.get(e.getKey());
                if ((other == null && !y.containsKey(e.getKey())) || !equal(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext()) {
                if (!equal(i.next(), j.next())) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            // NaN and infinities are not JSON; compare them as text so that they equal themselves.
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
        }
        return BigDecimal.valueOf(n.longValue());
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
