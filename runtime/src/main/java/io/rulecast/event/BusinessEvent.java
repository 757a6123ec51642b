package io.rulecast.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event of the Rulecast envelope (SPEC.md "Event"), already validated.
 *
 * <p>The payload is deeply read-only: nested maps and lists cannot be changed by a script, so
 * several rules may run over the same event without seeing each other's edits.
 */
public record BusinessEvent(
        String eventId,
        String domain,
        String type,
        long timestamp,
        Map<String, Object> payload,
        String traceId,
        String source) {

    public BusinessEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * The read-only map a script sees as {@code event}: eventId, domain, type, timestamp, payload
     * and, when present, traceId and source.
     */
    public Map<String, Object> scriptView() {
        Map<String, Object> view = new LinkedHashMap<>(8);
        view.put("eventId", eventId);
        view.put("domain", domain);
        view.put("type", type);
        view.put("timestamp", timestamp);
        view.put("payload", payload);
        if (traceId != null) {
            view.put("traceId", traceId);
        }
        if (source != null) {
            view.put("source", source);
        }
        return Collections.unmodifiableMap(view);
    }
}
