package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.EventType;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The job's {@code events.key.path} for a domain: what keys {@code ctx.state} and which routing
 * instance sees an event. Keying by the row's key keeps each row's events in order and its counters
 * together.
 */
final class KeyPaths {
    private KeyPaths() {}

    static String choose(JsonAt at, DomainSpec spec) {
        String given = at.text(false);
        if (given != null) {
            check(at, given, spec);
            return given;
        }
        Set<String> fields = new LinkedHashSet<>();
        String first = spec.wideTable().primaryKey().get(0);
        DomainSpec.Column key = spec.wideTable().column(first);
        for (Source s : key.sources().values()) {
            fields.add(s instanceof Source.Payload p ? p.field() : null);
        }
        if (fields.size() == 1 && !fields.contains(null)) {
            return "payload." + fields.iterator().next();
        }
        boolean counters =
                spec.wideTable().columns().stream()
                        .anyMatch(
                                c ->
                                        c.sources().values().stream()
                                                .anyMatch(s -> s instanceof Source.Counter));
        if (counters) {
            throw new SpecException(
                    at.path(),
                    "is missing, and the event types do not take "
                            + first
                            + " from one payload field",
                    "counters keep state per key: set keyPath to the payload field that identifies a"
                            + " row, e.g. payload.orderId");
        }
        return "eventId";
    }

    private static void check(JsonAt at, String path, DomainSpec spec) {
        if (Set.of("eventId", "domain", "type").contains(path)) {
            return;
        }
        if (path.startsWith("payload.")) {
            String field = path.substring("payload.".length());
            for (EventType e : spec.events()) {
                if (e.field(field) != null) {
                    return;
                }
            }
        }
        throw new SpecException(
                at.path(),
                "'" + path + "' names no payload field of the spec",
                "use payload.<field> (a field the events carry) or eventId");
    }
}
