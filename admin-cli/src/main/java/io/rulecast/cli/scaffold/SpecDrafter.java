package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.EventInference.Seen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what {@link EventInference} saw in sample events into a draft spec: a wide table keyed by
 * the id field every event type shares, a column per payload field, and per event type the time of
 * its last event and a count. Adds a note for every guess.
 */
final class SpecDrafter {
    private static final Pattern ID_LIKE = Pattern.compile("(?i)(id|no|key|code|number)$");

    private final String domain;
    private final Map<String, Integer> counts;
    private final Map<String, Map<String, Seen>> fields;
    private final Map<String, Integer> offsets;
    private final List<String> notes;

    SpecDrafter(
            String domain,
            Map<String, Integer> counts,
            Map<String, Map<String, Seen>> fields,
            Map<String, Integer> offsets,
            List<String> notes) {
        this.domain = domain;
        this.counts = counts;
        this.fields = fields;
        this.offsets = offsets;
        this.notes = notes;
    }

    Map<String, Object> spec() {
        String key = keyField();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("domain", domain);
        spec.put(
                "description",
                "Drafted by `rulecast scaffold --from-events`: review the guesses, then scaffold again.");
        spec.put("utcOffsetHours", utcOffset());
        List<Object> events = new ArrayList<>();
        for (String type : counts.keySet()) {
            events.add(event(type, key));
        }
        spec.put("events", events);
        spec.put("wideTable", wideTable(key));
        return spec;
    }

    private Map<String, Object> event(String type, String key) {
        int total = counts.get(type);
        List<Object> list = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (Seen s : fields.get(type).values()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", s.path);
            String t = fieldType(s, type);
            f.put("type", t);
            boolean required = s.count == total;
            if (s.path.equals(key) && !required) {
                notes.add(
                        type
                                + "."
                                + s.path
                                + " is missing in "
                                + (total - s.count)
                                + " of "
                                + total
                                + " events; made required, being the row key: such events will be dead-lettered");
                required = true;
            }
            f.put("required", required);
            List<Object> examples =
                    s.examples.stream()
                            .filter(
                                    x ->
                                            t.equals(EventInference.typeOf(x))
                                                    || t.equals("number") && x instanceof Number)
                            .toList();
            if (!examples.isEmpty()) {
                f.put("examples", examples);
            }
            if (s.digitStrings && t.equals("string")) {
                notes.add(type + "." + s.path + " holds digits as strings: kept as a string id");
            }
            list.add(f);
            described.add(s.path + " (" + t + (required ? "" : ", optional") + ")");
        }
        notes.add(
                "event type " + type + " (" + total + " events): " + String.join(", ", described));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("fields", list);
        return e;
    }

    private String fieldType(Seen s, String type) {
        if (s.types.size() == 1) {
            return s.types.iterator().next();
        }
        if (s.types.equals(Set.of("integer", "number"))) {
            return "number";
        }
        notes.add(
                type
                        + "."
                        + s.path
                        + " holds "
                        + String.join(" and ", s.types)
                        + " values: typed string");
        return "string";
    }

    /** The field every event type has whose values tell the most rows apart. */
    private String keyField() {
        String best = null;
        int bestDistinct = -1;
        for (Seen s : fields.values().iterator().next().values()) {
            boolean everywhere = fields.values().stream().allMatch(m -> m.containsKey(s.path));
            boolean scalar =
                    fields.values().stream()
                            .allMatch(
                                    m ->
                                            Set.of("string", "integer")
                                                    .containsAll(
                                                            m.get(s.path) == null
                                                                    ? Set.of()
                                                                    : m.get(s.path).types));
            boolean idLike = ID_LIKE.matcher(s.path).find();
            if (everywhere && scalar && idLike && s.distinct.size() > bestDistinct) {
                best = s.path;
                bestDistinct = s.distinct.size();
            }
        }
        if (best != null) {
            notes.add(
                    "row key: "
                            + best
                            + " (in every event type, "
                            + bestDistinct
                            + " distinct values in "
                            + counts.keySet().iterator().next()
                            + ")");
        } else {
            notes.add(
                    "no id field in every event type: one row per event (key event_id = event.eventId)");
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> wideTable(String key) {
        List<Object> columns = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        String keyColumn = key == null ? "event_id" : snake(key);
        names.add(keyColumn);
        Map<String, Object> keyCol =
                column(keyColumn, key == null ? "VARCHAR(64)" : sqlType(merged(key)));
        keyCol.put(
                "from",
                Map.of(
                        "*",
                        key == null ? Map.of("expr", "event.eventId") : Map.of("payload", key)));
        columns.add(keyCol);
        Map<String, Map<String, Object>> byPath = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Seen>> t : fields.entrySet()) {
            for (Seen s : t.getValue().values()) {
                if (s.path.equals(key)) {
                    continue;
                }
                Map<String, Object> c = byPath.get(s.path);
                if (c == null) {
                    String name = unique(snake(s.path), names);
                    c = column(name, sqlType(merged(s.path)));
                    c.put("from", new LinkedHashMap<String, Object>());
                    byPath.put(s.path, c);
                    columns.add(c);
                }
                ((Map<String, Object>) c.get("from")).put(t.getKey(), Map.of("payload", s.path));
            }
        }
        for (String type : counts.keySet()) {
            String base = snake(type);
            Map<String, Object> at = column(unique(base + "_at", names), "DATETIME");
            at.put("description", "time of the row's last " + type + " event");
            at.put("from", Map.of(type, Map.of("timestamp", "datetime")));
            columns.add(at);
            if (key != null) { // a count per event would always be 1
                Map<String, Object> count = column(unique(base + "_count", names), "INT");
                count.put("description", "number of " + type + " events of the row");
                count.put("from", Map.of(type, Map.of("counter", base + "_count")));
                columns.add(count);
            }
        }
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("name", "dwd_" + snake(domain) + "_wide");
        table.put("primaryKey", List.of(keyColumn));
        table.put("columns", columns);
        notes.add(
                "wide table dwd_"
                        + snake(domain)
                        + "_wide: a column per field, and per event type the time of"
                        + " its last event and a count; no dimensions, alerts or metrics: add them to the spec");
        return table;
    }

    /** What all event types together say about a field path. */
    private Seen merged(String path) {
        Seen all = new Seen(path);
        for (Map<String, Seen> m : fields.values()) {
            Seen s = m.get(path);
            if (s != null) {
                all.types.addAll(s.types);
                all.maxLength = Math.max(all.maxLength, s.maxLength);
                all.maxScale = Math.max(all.maxScale, s.maxScale);
            }
        }
        return all;
    }

    private static String sqlType(Seen s) {
        if (s.types.size() > 1 && !s.types.equals(Set.of("integer", "number"))) {
            return "VARCHAR(255)";
        }
        return switch (s.types.contains("number") ? "number" : s.types.iterator().next()) {
            case "integer" -> "BIGINT";
            case "number" -> "DECIMAL(18," + Math.max(2, s.maxScale) + ")";
            case "boolean" -> "BOOLEAN";
            case "array", "object" -> "JSON";
            default ->
                    s.maxLength <= 32
                            ? "VARCHAR(64)"
                            : "VARCHAR(" + Math.min(16383, Math.max(255, s.maxLength * 2)) + ")";
        };
    }

    private int utcOffset() {
        if (offsets.isEmpty()) {
            notes.add(
                    "times in UTC: no timestamp in the sample carries an offset (set utcOffsetHours)");
            return 0;
        }
        String most = offsets.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
        int hours = Integer.parseInt(most);
        notes.add(
                "local time UTC"
                        + (hours >= 0 ? "+" : "")
                        + hours
                        + ", the offset of the sample's ISO-8601 timestamps");
        return hours;
    }

    private static Map<String, Object> column(String name, String type) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("type", type);
        return c;
    }

    private static String unique(String base, Set<String> taken) {
        String name = base;
        for (int i = 2; !taken.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** {@code questionId} → {@code question_id}, {@code address.city} → {@code address_city}. */
    static String snake(String name) {
        String s =
                name.replace('.', '_')
                        .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                        .toLowerCase(Locale.ROOT);
        s = s.replaceAll("[^a-z0-9_]", "_");
        return JsonAt.suggestIdentifier(s);
    }
}
