package io.rulecast.job.events;

import io.rulecast.event.BusinessEvent;
import io.rulecast.routing.KeyPath;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code events.key.path} resolved on an event's fields directly: the same key text as {@link
 * KeyPath#resolve} over {@link BusinessEvent#scriptView()}, without building that view (its first
 * segment names a field of the view, the rest is a path into the payload).
 */
final class EventKey implements Serializable {
    private static final long serialVersionUID = 1L;

    private final KeyPath path;
    private final String first;

    /** The segments after the first, or null when the path has one segment. */
    private final KeyPath rest;

    EventKey(KeyPath path) {
        this.path = path;
        // Split as KeyPath splits (a trailing dot is no segment).
        String[] segments = path.path().split("\\.");
        this.first = segments[0];
        this.rest =
                segments.length == 1
                        ? null
                        : new KeyPath(
                                String.join(".", Arrays.copyOfRange(segments, 1, segments.length)));
    }

    KeyPath path() {
        return path;
    }

    /** The key text at the path, or null when it leads nowhere or to null. */
    String resolve(BusinessEvent e) {
        Object top =
                switch (first) {
                    case "eventId" -> e.eventId();
                    case "domain" -> e.domain();
                    case "type" -> e.type();
                    case "timestamp" -> e.timestamp();
                    case "payload" -> e.payload();
                    case "traceId" -> e.traceId();
                    case "source" -> e.source();
                    default -> null;
                };
        if (rest == null) {
            return KeyPath.text(top);
        }
        // Only the payload is a map; the other fields are text or a number, where a longer path
        // leads nowhere (as it does in the view).
        return top instanceof Map<?, ?> payload ? rest.resolve(cast(payload)) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
