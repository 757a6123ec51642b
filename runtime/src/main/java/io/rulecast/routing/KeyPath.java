package io.rulecast.routing;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.Json;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The {@code events.key.path} option: a dotted path into the event as scripts see it ({@code
 * eventId}, {@code payload.userId}, {@code payload.items.0.id}), whose value keys {@code ctx.state}
 * when a record has no Kafka key.
 *
 * <p>{@link #text} is the one way a value becomes key text: the job's state keys, replay's state
 * keys, {@code produce --key-path}, the JDBC dimension cache and replay's dimension files all use
 * it, so {@code 7}, {@code 7.0} and {@code "7"} key the same state and find the same row
 * everywhere.
 */
public final class KeyPath implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String[] segments;

    public KeyPath(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("events.key.path must not be empty");
        }
        this.path = path.trim();
        this.segments = this.path.split("\\.");
        for (String s : segments) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException(
                        "events.key.path '" + path + "' has an empty segment");
            }
        }
    }

    public String path() {
        return path;
    }

    /** The message of {@link DeadLetterReason#NO_KEY}, the same in the job and in replay. */
    public String missing() {
        return "the record has no Kafka key and the event has no value at events.key.path '"
                + path
                + "'";
    }

    /**
     * The key text of the value at the path: strings as they are, numbers in plain notation (so
     * {@code 7} and {@code 7.0} key the same state), other values as JSON; null when the path leads
     * nowhere or to null.
     */
    public String resolve(Map<String, Object> event) {
        return text(walk(event, 0));
    }

    /**
     * As {@link #resolve(Map)} over {@link BusinessEvent#scriptView()}, without building the view:
     * the first segment names one of the event's fields, the rest walks from there.
     */
    public String resolve(BusinessEvent event) {
        Object top =
                switch (segments[0]) {
                    case "eventId" -> event.eventId();
                    case "domain" -> event.domain();
                    case "type" -> event.type();
                    case "timestamp" -> event.timestamp();
                    case "payload" -> event.payload();
                    case "traceId" -> event.traceId();
                    case "source" -> event.source();
                    default -> null;
                };
        return text(walk(top, 1));
    }

    /** The value at {@code segments[from..]} below {@code v}; null where the path leads nowhere. */
    private Object walk(Object v, int from) {
        for (int i = from; i < segments.length && v != null; i++) {
            String s = segments[i];
            if (v instanceof Map<?, ?> m) {
                v = m.get(s);
            } else if (v instanceof List<?> l && isIndex(s) && Integer.parseInt(s) < l.size()) {
                v = l.get(Integer.parseInt(s));
            } else {
                return null;
            }
        }
        return v;
    }

    /**
     * The key text of a value: strings as they are, numbers in plain notation without trailing
     * zeros ({@code 7.0} → {@code "7"}, {@code 1E+3} → {@code "1000"}), booleans as {@code
     * true}/{@code false}, other values as JSON; null for null.
     */
    public static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number n) {
            try {
                BigDecimal d = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
                return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return n.toString();
            }
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        return Json.write(v);
    }

    private static boolean isIndex(String s) {
        if (s.length() > 9) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return path;
    }
}
