package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.Alert;
import io.rulecast.cli.scaffold.DomainSpec.Dimension;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import io.rulecast.cli.scaffold.DomainSpec.Metric;
import io.rulecast.event.Json;
import io.rulecast.runtime.Language;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A reproducible stream of sample events for a domain: every event type for a few rows (the same
 * key across types, so rows get filled by several rules), then events picked with the {@link
 * SpecOracle} until every branch of every rule is taken — each optional field present and absent,
 * each dimension lookup hit and missed, each alert and metric condition true and false — and a few
 * broken events that must be dead-lettered: a line that is not JSON, an event without payload, one
 * with a timestamp of the wrong type, and per event type one without a required field.
 */
final class SampleEvents {
    /** 2025-11-24 08:00 at UTC+8: the first event's time. */
    static final long START = 1763942400000L;

    private static final int ROWS = 4;
    private static final int TRIES = 400;

    private final DomainSpec spec;
    private final Map<String, List<Map<String, Object>>> dimRows;
    private final Random random;
    private final Map<String, Integer> turns = new HashMap<>();
    private final List<Map<String, Object>> entities = new ArrayList<>();

    /** The events, and the branches no event could be found for. */
    record Stream(List<String> lines, List<String> uncovered) {}

    SampleEvents(DomainSpec spec, Map<String, List<Map<String, Object>>> dimRows, long seed) {
        this.spec = spec;
        this.dimRows = dimRows;
        this.random = new Random(seed);
    }

    Stream generate() {
        for (int i = 0; i < ROWS; i++) {
            entities.add(entity(i));
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (EventType e : spec.events()) {
            for (int i = 0; i < entities.size(); i++) {
                events.add(event(e, entities.get(i), false));
                if (i % 2 == 0 && hasCounter(e)) {
                    events.add(event(e, entities.get(i), false));
                }
            }
        }
        Map<String, EventType> wanted = wanted();
        SpecOracle oracle = new SpecOracle(spec, dimRows, Language.GROOVY);
        Set<String> covered = new LinkedHashSet<>();
        for (Map<String, Object> e : events) {
            covered.addAll(oracle.run(Json.write(e)).branches());
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, EventType> w : wanted.entrySet()) {
            String branch = w.getKey();
            if (covered.contains(branch)) {
                continue;
            }
            Map<String, Object> found = search(oracle, w.getValue(), branch);
            if (found == null) {
                missing.add(branch);
            } else {
                events.add(found);
                covered.addAll(oracle.run(Json.write(found)).branches());
            }
        }
        return new Stream(finish(events), missing);
    }

    /**
     * The branches the sample must take (as {@link SpecOracle} names them), with their event type.
     */
    private Map<String, EventType> wanted() {
        Map<String, EventType> out = new LinkedHashMap<>();
        for (EventType e : spec.events()) {
            String t = e.type();
            for (Field f : e.fields()) {
                if (!f.required()) {
                    out.put(t + ":field:" + f.path() + ":present", e);
                    out.put(t + ":field:" + f.path() + ":absent", e);
                }
            }
            for (Source.DimLookup l : spec.lookupsOf(t)) {
                out.put(t + ":dim:" + l.dim() + ":" + l.keyField() + ":hit", e);
                out.put(t + ":dim:" + l.dim() + ":" + l.keyField() + ":miss", e);
            }
            for (Alert a : spec.alertsOn(t)) {
                if (a.when() != null) {
                    out.put(t + ":alert:" + a.name() + ":true", e);
                    out.put(t + ":alert:" + a.name() + ":false", e);
                }
            }
            for (Metric m : spec.metricsOn(t)) {
                if (m.when() != null) {
                    out.put(t + ":metric:" + m.name() + ":true", e);
                    out.put(t + ":metric:" + m.name() + ":false", e);
                }
            }
        }
        return out;
    }

    /** A random event of the branch's type that takes the branch, given the state so far. */
    private Map<String, Object> search(SpecOracle oracle, EventType e, String branch) {
        for (int i = 0; i < TRIES; i++) {
            Map<String, Object> candidate =
                    event(e, entities.get(random.nextInt(entities.size())), true);
            if (oracle.fork().run(Json.write(candidate)).branches().contains(branch)) {
                return candidate;
            }
        }
        return null;
    }

    private boolean hasCounter(EventType e) {
        return spec.wideTable().columnsOf(e.type()).stream()
                .anyMatch(c -> c.sources().get(e.type()) instanceof Source.Counter);
    }

    /** The values that identify row {@code i}: its key columns' fields and the state key field. */
    private Map<String, Object> entity(int i) {
        Map<String, Object> values = new HashMap<>();
        for (EventType e : spec.events()) {
            for (String k : spec.wideTable().primaryKey()) {
                if (spec.wideTable().column(k).sources().get(e.type())
                        instanceof Source.Payload p) {
                    values.putIfAbsent("pk:" + k, nth(columnExamples(k), e.field(p.field()), i));
                }
            }
        }
        if (spec.keyPath().startsWith("payload.")) {
            String field = spec.keyPath().substring("payload.".length());
            for (EventType e : spec.events()) {
                if (e.field(field) != null && !isKeyField(e, field)) {
                    values.putIfAbsent("key", nth(fieldExamples(field), e.field(field), i));
                }
            }
        }
        return values;
    }

    /** The examples of every payload field that fills key column {@code column}. */
    private List<Object> columnExamples(String column) {
        List<Object> pool = new ArrayList<>();
        for (EventType e : spec.events()) {
            if (spec.wideTable().column(column).sources().get(e.type())
                    instanceof Source.Payload p) {
                e.field(p.field()).examples().stream()
                        .filter(x -> !pool.contains(x))
                        .forEach(pool::add);
            }
        }
        return pool;
    }

    /** The examples of payload field {@code path} in every event type that has it. */
    private List<Object> fieldExamples(String path) {
        List<Object> pool = new ArrayList<>();
        for (EventType e : spec.events()) {
            if (e.field(path) != null) {
                e.field(path).examples().stream().filter(x -> !pool.contains(x)).forEach(pool::add);
            }
        }
        return pool;
    }

    /** The {@code i}-th of the examples, then made-up values of the field's type. */
    private static Object nth(List<Object> pool, Field f, int i) {
        if (i < pool.size()) {
            return pool.get(i);
        }
        return f.type() == DomainSpec.JsonType.STRING
                ? last(f) + "-" + (i + 1)
                : (Object) (1000 + i);
    }

    private boolean isKeyField(EventType e, String field) {
        for (String k : spec.wideTable().primaryKey()) {
            if (spec.wideTable().column(k).sources().get(e.type()) instanceof Source.Payload p
                    && p.field().equals(field)) {
                return true;
            }
        }
        return false;
    }

    /** One valid event of type {@code e} for a row; {@code random} varies choices freely. */
    private Map<String, Object> event(EventType e, Map<String, Object> entity, boolean randomly) {
        Map<String, Object> payload = new LinkedHashMap<>();
        for (Field f : e.fields()) {
            if (f.type() == DomainSpec.JsonType.OBJECT
                    && e.fields().stream().anyMatch(g -> g.path().startsWith(f.path() + "."))) {
                continue; // built from its nested fields
            }
            int turn =
                    randomly
                            ? random.nextInt(12)
                            : turns.merge(e.type() + ":" + f.path(), 1, Integer::sum) - 1;
            Object v = keyValue(e, f, entity);
            if (v == null) {
                if (!f.required() && turn % 3 == 2) {
                    continue; // absent
                }
                v = value(e, f, turn, randomly);
            }
            put(payload, f.segments(), v);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        // numbered and timed in finish(), once the order is final
        event.put("eventId", "e-new");
        event.put("domain", spec.domain());
        event.put("type", e.type());
        event.put("timestamp", START);
        event.put("source", "rulecast-scaffold");
        event.put("payload", payload);
        return event;
    }

    private Object keyValue(EventType e, Field f, Map<String, Object> entity) {
        for (String k : spec.wideTable().primaryKey()) {
            if (spec.wideTable().column(k).sources().get(e.type()) instanceof Source.Payload p
                    && p.field().equals(f.path())) {
                return entity.get("pk:" + k);
            }
        }
        if (spec.keyPath().equals("payload." + f.path())) {
            return entity.get("key");
        }
        return null;
    }

    private Object value(EventType e, Field f, int turn, boolean randomly) {
        for (Source.DimLookup l : spec.lookupsOf(e.type())) {
            if (l.keyField().equals(f.path())) {
                Dimension d = spec.dimension(l.dim());
                List<Map<String, Object>> rows = dimRows.get(d.name());
                if (turn % 4 == 3 || rows.isEmpty()) {
                    return DimensionRows.missingKey(rows, d);
                }
                int n = randomly ? random.nextInt(rows.size()) : turn % rows.size();
                return rows.get(n).get(d.key());
            }
        }
        if (!f.examples().isEmpty()) {
            return f.examples()
                    .get(
                            randomly
                                    ? random.nextInt(f.examples().size())
                                    : turn % f.examples().size());
        }
        int n = randomly ? random.nextInt(6) : turn;
        return switch (f.type()) {
            case STRING -> last(f) + "-" + (n % 3 + 1);
            case INTEGER -> n % 5 + 1;
            case NUMBER -> BigDecimal.valueOf(125L * (n % 4 + 1), 1);
            case BOOLEAN -> n % 2 == 0;
            case OBJECT -> Map.of();
            case ARRAY -> List.of(n);
        };
    }

    private static String last(Field f) {
        return f.path().substring(f.path().lastIndexOf('.') + 1);
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> payload, List<String> path, Object v) {
        Map<String, Object> m = payload;
        for (int i = 0; i < path.size() - 1; i++) {
            m = (Map<String, Object>) m.computeIfAbsent(path.get(i), k -> new LinkedHashMap<>());
        }
        m.put(path.get(path.size() - 1), v);
    }

    /** Adds the broken events, then numbers and times every event in order. */
    @SuppressWarnings("unchecked")
    private List<String> finish(List<Map<String, Object>> events) {
        List<Object> all = new ArrayList<>(events);
        List<Object> broken = new ArrayList<>();
        for (EventType e : spec.events()) {
            // A required field other than the key: without its key the job would dead-letter
            // the event (NO_KEY) before the rule saw it.
            Field required =
                    e.requiredFields().stream()
                            .filter(f -> !spec.keyPath().equals("payload." + f.path()))
                            .findFirst()
                            .orElse(null);
            if (required != null) {
                Map<String, Object> copy = copyOf(events, e);
                if (copy != null) {
                    removeAt((Map<String, Object>) copy.get("payload"), required.segments());
                    broken.add(copy);
                }
            }
        }
        broken.add("CUT");
        broken.add("NO_PAYLOAD");
        broken.add("DIGITS_TIMESTAMP");
        for (int i = 0; i < broken.size(); i++) {
            all.add((int) ((long) (i + 1) * all.size() / (broken.size() + 1)), broken.get(i));
        }
        List<String> lines = new ArrayList<>();
        long time = START;
        for (int i = 0; i < all.size(); i++) {
            time += 60_000L * (1 + random.nextInt(20)) + random.nextInt(60) * 1000L;
            String id = String.format("e-%04d", i + 1);
            lines.add(line(all.get(i), id, time));
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    private String line(Object event, String id, long time) {
        if (event instanceof Map<?, ?> m) {
            Map<String, Object> e = new LinkedHashMap<>((Map<String, Object>) m);
            e.put("eventId", id);
            e.put("timestamp", time);
            return Json.write(e);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", id);
        e.put("domain", spec.domain());
        e.put("type", spec.events().get(0).type());
        e.put("timestamp", event.equals("DIGITS_TIMESTAMP") ? Long.toString(time) : (Object) time);
        e.put("source", "rulecast-scaffold");
        if (!event.equals("NO_PAYLOAD")) {
            e.put("payload", Map.of());
        }
        String json = Json.write(e);
        // A record cut off in transit: not JSON at all.
        return event.equals("CUT") ? json.substring(0, json.length() / 2) : json;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyOf(List<Map<String, Object>> events, EventType e) {
        for (Map<String, Object> ev : events) {
            if (e.type().equals(ev.get("type"))) {
                return (Map<String, Object>) Json.MAPPER.convertValue(ev, Map.class);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static void removeAt(Map<String, Object> payload, List<String> path) {
        Map<String, Object> m = payload;
        for (int i = 0; i < path.size() - 1 && m != null; i++) {
            m = m.get(path.get(i)) instanceof Map<?, ?> n ? (Map<String, Object>) n : null;
        }
        if (m != null) {
            m.remove(path.get(path.size() - 1));
        }
    }
}
