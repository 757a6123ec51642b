package io.rulecast.cli.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.cli.scaffold.DomainSpec.Alert;
import io.rulecast.cli.scaffold.DomainSpec.ColumnDef;
import io.rulecast.cli.scaffold.DomainSpec.Dimension;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import io.rulecast.cli.scaffold.DomainSpec.JsonType;
import io.rulecast.cli.scaffold.DomainSpec.Metric;
import io.rulecast.cli.scaffold.DomainSpec.WideTable;
import io.rulecast.event.Json;
import io.rulecast.runtime.Language;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a scaffold spec (docs/cli.md "scaffold" describes the format) and checks it completely
 * before anything is generated: every problem is a {@link SpecException} naming the JSON path and
 * the fix. The wide table's columns are read by {@link ColumnReader}.
 */
public final class SpecReader {
    /** A payload field path: script-friendly names joined by dots. */
    private static final Pattern FIELD_PATH =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    private SpecReader() {}

    /** Parses and checks a spec. */
    public static DomainSpec read(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String m = String.valueOf(e.getOriginalMessage());
            throw new SpecException("$", "not JSON: " + m.lines().findFirst().orElse(m), null);
        }
        return read(new JsonAt(root, "$"));
    }

    static DomainSpec read(JsonAt root) {
        root.object(
                orderedSet(
                        "domain",
                        "description",
                        "language",
                        "keyPath",
                        "utcOffsetHours",
                        "events",
                        "dimensions",
                        "wideTable",
                        "alerts",
                        "metrics"));
        String domain = root.get("domain").eventName();
        Language language = null;
        String lang = root.get("language").text(false);
        if (lang != null) {
            try {
                language = Language.of(lang);
            } catch (IllegalArgumentException e) {
                throw new SpecException(root.get("language").path(), e.getMessage(), null);
            }
        }
        int offset = utcOffset(root.get("utcOffsetHours"));
        List<EventType> events = readEvents(root.get("events"));
        List<Dimension> dims = readDimensions(root.get("dimensions"));
        WideTable wide = new ColumnReader(events, dims).read(root.get("wideTable"));
        DomainSpec partial =
                new DomainSpec(
                        domain,
                        root.get("description").text(false),
                        language,
                        null,
                        offset,
                        events,
                        dims,
                        wide,
                        List.of(),
                        List.of());
        List<Alert> alerts = new ArrayList<>();
        for (JsonAt a : root.get("alerts").elements(false, false)) {
            alerts.add(SignalReader.alert(a, partial, alerts));
        }
        List<Metric> metrics = new ArrayList<>();
        for (JsonAt m : root.get("metrics").elements(false, false)) {
            metrics.add(SignalReader.metric(m, partial, metrics));
        }
        DomainSpec spec =
                new DomainSpec(
                        domain,
                        partial.description(),
                        language,
                        KeyPaths.choose(root.get("keyPath"), partial),
                        offset,
                        events,
                        dims,
                        wide,
                        List.copyOf(alerts),
                        List.copyOf(metrics));
        for (int i = 0; i < events.size(); i++) {
            String type = events.get(i).type();
            if (!spec.writesRow(type)
                    && spec.alertsOn(type).isEmpty()
                    && spec.metricsOn(type).isEmpty()) {
                throw new SpecException(
                        "$.events[" + i + "]",
                        "event type " + type + " fills no column and has no alert or metric",
                        "give it a source in $.wideTable.columns[*].from, an alert or a metric,"
                                + " or remove it");
            }
        }
        return spec;
    }

    private static int utcOffset(JsonAt at) {
        if (!at.present()) {
            return 0;
        }
        JsonNode n = at.node();
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < -12 || n.asInt() > 14) {
            throw new SpecException(
                    at.path(),
                    "expected whole hours from -12 to 14, got " + at.describe(),
                    "e.g. 8 for China Standard Time");
        }
        return n.asInt();
    }

    private static List<EventType> readEvents(JsonAt at) {
        List<EventType> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonAt e : at.elements(true, true)) {
            e.object(orderedSet("type", "description", "fields"));
            String type = e.get("type").eventName();
            if (!seen.add(type)) {
                throw new SpecException(
                        e.get("type").path(), "event type " + type + " appears twice", null);
            }
            List<Field> fields = new ArrayList<>();
            for (JsonAt f : e.get("fields").elements(false, false)) {
                fields.add(readField(f, fields));
            }
            out.add(new EventType(type, e.get("description").text(false), List.copyOf(fields)));
        }
        return List.copyOf(out);
    }

    private static Field readField(JsonAt f, List<Field> before) {
        f.object(orderedSet("name", "type", "required", "examples", "description"));
        String path = f.get("name").text(true);
        if (!FIELD_PATH.matcher(path).matches()) {
            throw new SpecException(
                    f.get("name").path(),
                    "'" + path + "' is not a field name or dotted path",
                    "use names of letters, digits, _ and $ joined by dots, e.g. address.city");
        }
        for (Field b : before) {
            if (b.path().equals(path)) {
                throw new SpecException(
                        f.get("name").path(), "field " + path + " appears twice", null);
            }
        }
        String typeName = f.get("type").text(true);
        JsonType type;
        try {
            type = JsonType.valueOf(typeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpecException(
                    f.get("type").path(),
                    "unknown JSON type '" + typeName + "'",
                    "use string, integer, number, boolean, object or array");
        }
        for (Field b : before) {
            Field outer = path.startsWith(b.path() + ".") ? b : null;
            if (b.path().startsWith(path + ".")) {
                outer = new Field(path, type, false, List.of(), null);
            }
            if (outer != null && outer.type() != JsonType.OBJECT) {
                throw new SpecException(
                        f.get("name").path(),
                        "fields "
                                + b.path()
                                + " and "
                                + path
                                + " nest in "
                                + outer.path()
                                + ", which is declared "
                                + SpecReader.aOrAn(outer.type().id()),
                        "declare " + outer.path() + " as \"object\", or drop it");
            }
        }
        List<Object> examples = new ArrayList<>();
        for (JsonAt x : f.get("examples").elements(false, false)) {
            if (!matches(type, x.node())) {
                throw new SpecException(
                        x.path(),
                        "example " + x.describe() + " is not " + aOrAn(type.id()),
                        "give examples of the field's type");
            }
            examples.add(x.plain());
        }
        return new Field(
                path,
                type,
                f.get("required").bool(false),
                List.copyOf(examples),
                f.get("description").text(false));
    }

    static boolean matches(JsonType type, JsonNode v) {
        return switch (type) {
            case STRING -> v.isTextual();
            case INTEGER ->
                    v.isIntegralNumber()
                            || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
            case NUMBER -> v.isNumber();
            case BOOLEAN -> v.isBoolean();
            case OBJECT -> v.isObject();
            case ARRAY -> v.isArray();
        };
    }

    private static List<Dimension> readDimensions(JsonAt at) {
        List<Dimension> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonAt d : at.elements(false, false)) {
            d.object(orderedSet("name", "table", "key", "description", "columns", "rows"));
            String name = d.get("name").identifier();
            if (!names.add(name)) {
                throw new SpecException(
                        d.get("name").path(), "dimension " + name + " appears twice", null);
            }
            String table = d.get("table").identifier();
            List<ColumnDef> columns = new ArrayList<>();
            for (JsonAt c : d.get("columns").elements(true, true)) {
                c.object(orderedSet("name", "type", "description"));
                String col = c.get("name").identifier();
                if (columns.stream().anyMatch(x -> x.name().equals(col))) {
                    throw new SpecException(
                            c.get("name").path(), "column " + col + " appears twice", null);
                }
                columns.add(
                        new ColumnDef(
                                col, sqlType(c.get("type")), c.get("description").text(false)));
            }
            String key = d.get("key").identifier();
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw new SpecException(
                        d.get("key").path(),
                        "'" + key + "' is not a column of " + table,
                        "name one of "
                                + String.join(
                                        ", ", columns.stream().map(ColumnDef::name).toList()));
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonAt r : d.get("rows").elements(false, false)) {
                rows.add(readRow(r, columns, key));
            }
            out.add(
                    new Dimension(
                            name,
                            table,
                            key,
                            d.get("description").text(false),
                            List.copyOf(columns),
                            List.copyOf(rows)));
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> readRow(JsonAt r, List<ColumnDef> columns, String key) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Map.Entry<String, JsonAt> e : r.members()) {
            ColumnDef c =
                    columns.stream()
                            .filter(x -> x.name().equals(e.getKey()))
                            .findFirst()
                            .orElse(null);
            if (c == null) {
                throw new SpecException(
                        e.getValue().path(),
                        "'" + e.getKey() + "' is not a column of the dimension",
                        null);
            }
            JsonNode v = e.getValue().node();
            if (!v.isNull() && c.type().refuses(valueTypeOf(v)) != null) {
                throw new SpecException(
                        e.getValue().path(),
                        e.getValue().describe()
                                + " does not fit column "
                                + c.name()
                                + " "
                                + c.type(),
                        null);
            }
            row.put(e.getKey(), e.getValue().plain());
        }
        if (row.get(key) == null) {
            throw new SpecException(r.path(), "the row has no key (" + key + ")", null);
        }
        return row;
    }

    private static ValueType valueTypeOf(JsonNode v) {
        if (v.isTextual()) {
            return ValueType.STRING;
        }
        if (v.isBoolean()) {
            return ValueType.BOOLEAN;
        }
        if (v.isNumber()) {
            return matches(JsonType.INTEGER, v) ? ValueType.INTEGER : ValueType.DECIMAL;
        }
        return ValueType.JSON;
    }

    static SqlType sqlType(JsonAt at) {
        String t = at.text(true);
        try {
            return SqlType.parse(t);
        } catch (IllegalArgumentException e) {
            throw new SpecException(at.path(), e.getMessage(), "use one of " + SqlType.KNOWN);
        }
    }

    static Set<String> orderedSet(String... keys) {
        return new java.util.LinkedHashSet<>(List.of(keys));
    }

    static String aOrAn(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }
}
