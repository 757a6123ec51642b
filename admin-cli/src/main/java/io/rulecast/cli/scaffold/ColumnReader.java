package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.Column;
import io.rulecast.cli.scaffold.DomainSpec.Dimension;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import io.rulecast.cli.scaffold.DomainSpec.WideTable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code $.wideTable}: its columns with their sources per event type ({@code "*"} for every
 * event type), and checks that each source exists, fits its column's SQL type, and that every rule
 * writing a row fills the whole primary key with values that cannot be null.
 */
final class ColumnReader {
    /** The column the DDL adds to every wide table: when the sink last wrote the row. */
    static final String WRITTEN_AT = "written_at";

    private static final Set<String> SOURCE_KEYS =
            SpecReader.orderedSet(
                    "payload",
                    "dim",
                    "timestamp",
                    "counter",
                    "const",
                    "expr",
                    "column",
                    "key",
                    "by",
                    "orElse");
    private static final List<String> KINDS =
            List.of("payload", "dim", "timestamp", "counter", "const", "expr");

    private final List<EventType> events;
    private final List<Dimension> dims;

    /** The JSON path of each column's source per event type, for the checks after reading. */
    private final Map<String, Map<String, String>> sourcePaths = new HashMap<>();

    ColumnReader(List<EventType> events, List<Dimension> dims) {
        this.events = events;
        this.dims = dims;
    }

    WideTable read(JsonAt at) {
        if (!at.present()) {
            throw new SpecException(
                    at.path(),
                    "is missing",
                    "describe the table the rules fill: name, primaryKey, columns");
        }
        at.object(SpecReader.orderedSet("name", "description", "primaryKey", "columns"));
        String name = at.get("name").identifier();
        List<Column> columns = new ArrayList<>();
        for (JsonAt c : at.get("columns").elements(true, true)) {
            columns.add(readColumn(c, columns));
        }
        List<String> key = new ArrayList<>();
        for (JsonAt k : at.get("primaryKey").elements(true, true)) {
            String col = k.text(true);
            if (columns.stream().noneMatch(c -> c.name().equals(col))) {
                throw new SpecException(
                        k.path(),
                        "primary-key column '" + col + "' is not a column of " + name,
                        "add it to "
                                + at.get("columns").path()
                                + ", or name one of "
                                + String.join(", ", columns.stream().map(Column::name).toList()));
            }
            if (key.contains(col)) {
                throw new SpecException(k.path(), "'" + col + "' appears twice", null);
            }
            key.add(col);
        }
        WideTable table =
                new WideTable(
                        name,
                        at.get("description").text(false),
                        List.copyOf(key),
                        List.copyOf(columns));
        for (EventType e : events) {
            checkTypes(table, e, at);
        }
        return table;
    }

    private Column readColumn(JsonAt c, List<Column> before) {
        c.object(SpecReader.orderedSet("name", "type", "description", "from"));
        String name = c.get("name").identifier();
        if (name.equalsIgnoreCase(WRITTEN_AT)) {
            throw new SpecException(
                    c.get("name").path(),
                    "'"
                            + WRITTEN_AT
                            + "' is the column every wide table gets for the time of the last write",
                    "name the column differently");
        }
        if (before.stream().anyMatch(x -> x.name().equalsIgnoreCase(name))) {
            throw new SpecException(
                    c.get("name").path(), "column " + name + " appears twice", null);
        }
        SqlType type = SpecReader.sqlType(c.get("type"));
        JsonAt from = c.get("from");
        if (!from.present() || (from.node().isObject() && from.node().isEmpty())) {
            throw new SpecException(
                    from.path(),
                    "column " + name + " has no source",
                    "say where its value comes from per event type, e.g. {\""
                            + events.get(0).type()
                            + "\": {\"payload\": \"…\"}} or {\"*\": {\"const\": …}}");
        }
        Map<String, JsonAt> byType = new LinkedHashMap<>();
        JsonAt star = null;
        for (Map.Entry<String, JsonAt> e : from.members()) {
            if (e.getKey().equals("*")) {
                star = e.getValue();
            } else if (events.stream().noneMatch(x -> x.type().equals(e.getKey()))) {
                throw new SpecException(
                        e.getValue().path(),
                        "'" + e.getKey() + "' is not an event type of the spec",
                        "use one of "
                                + String.join(", ", events.stream().map(EventType::type).toList())
                                + ", or * for all of them");
            } else {
                byType.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Source> sources = new LinkedHashMap<>();
        Map<String, String> paths = new HashMap<>();
        for (EventType e : events) {
            JsonAt s = byType.containsKey(e.type()) ? byType.get(e.type()) : star;
            if (s != null) {
                sources.put(e.type(), readSource(s, e, true));
                paths.put(e.type(), s.path());
            }
        }
        sourcePaths.put(name, paths);
        return new Column(name, type, c.get("description").text(false), sources);
    }

    private Source readSource(JsonAt s, EventType e, boolean counterAllowed) {
        s.object(SOURCE_KEYS);
        List<String> kinds = KINDS.stream().filter(k -> s.node().has(k)).toList();
        if (kinds.size() != 1) {
            throw new SpecException(
                    s.path(),
                    kinds.isEmpty()
                            ? "says nothing about where the value comes from"
                            : "has " + String.join(" and ", kinds),
                    "give exactly one of " + String.join(", ", KINDS));
        }
        String kind = kinds.get(0);
        for (String k : List.of("column", "key", "by")) {
            boolean belongs = k.equals("by") ? kind.equals("counter") : kind.equals("dim");
            if (s.node().has(k) && !belongs) {
                throw new SpecException(
                        s.get(k).path(), "'" + k + "' does not go with '" + kind + "'", null);
            }
        }
        JsonAt orElseAt = s.get("orElse");
        Source orElse = null;
        if (orElseAt.present()) {
            if (!Set.of("payload", "dim", "expr").contains(kind)) {
                throw new SpecException(
                        orElseAt.path(), "a " + kind + " source is never null", "drop orElse");
            }
            orElse = readSource(orElseAt, e, false);
        }
        JsonAt v = s.get(kind);
        switch (kind) {
            case "payload":
                return new Source.Payload(field(v, e, null).path(), orElse);
            case "dim":
                return dim(s, e, orElse);
            case "timestamp":
                String f = v.text(true);
                try {
                    return new Source.Timestamp(
                            Source.Timestamp.Format.valueOf(f.toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException x) {
                    throw new SpecException(
                            v.path(),
                            "unknown timestamp format '" + f + "'",
                            "use datetime (DATETIME columns), date (DATE) or millis (BIGINT)");
                }
            case "counter":
                if (!counterAllowed) {
                    throw new SpecException(v.path(), "a counter cannot be a fallback", null);
                }
                return counter(s, e);
            case "const":
                if (v.node().isContainerNode()) {
                    throw new SpecException(
                            v.path(), "a constant is a string, number, boolean or null", null);
                }
                Object c = v.plain();
                return new Source.Const(c instanceof BigDecimal d ? Values.number(d) : c);
            default:
                return new Source.Computed(Expr.parse(v.text(true), v.path()), orElse);
        }
    }

    private Field field(JsonAt at, EventType e, String purpose) {
        String name = at.text(true);
        Field f = e.field(name);
        if (f == null) {
            throw new SpecException(
                    at.path(),
                    "event type " + e.type() + " has no payload field '" + name + "'",
                    "declare it in its fields"
                            + (e.fields().isEmpty()
                                    ? ""
                                    : ", or use one of "
                                            + String.join(
                                                    ", ",
                                                    e.fields().stream()
                                                            .map(Field::path)
                                                            .toList())));
        }
        if (purpose != null) {
            boolean ok =
                    purpose.equals("key")
                            ? f.type().valueType() == ValueType.STRING
                                    || f.type().valueType().isNumeric()
                            : f.type().valueType().isNumeric() && f.required();
            if (!ok) {
                throw new SpecException(
                        at.path(),
                        "payload field '" + name + "' cannot be a " + purpose,
                        purpose.equals("key")
                                ? "a dimension key is a string or a number"
                                : "a counter adds a required numeric field");
            }
        }
        return f;
    }

    private Source dim(JsonAt s, EventType e, Source orElse) {
        String name = s.get("dim").text(true);
        Dimension d = dims.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (d == null) {
            throw new SpecException(
                    s.get("dim").path(),
                    "no dimension '" + name + "'",
                    dims.isEmpty()
                            ? "declare it in $.dimensions"
                            : "declare it in $.dimensions, or use one of "
                                    + String.join(
                                            ", ", dims.stream().map(Dimension::name).toList()));
        }
        String column = s.get("column").text(true);
        if (d.column(column) == null) {
            throw new SpecException(
                    s.get("column").path(),
                    "dimension " + name + " has no column '" + column + "'",
                    "use one of "
                            + String.join(
                                    ", ",
                                    d.columns().stream().map(DomainSpec.ColumnDef::name).toList()));
        }
        return new Source.Dim(name, column, field(s.get("key"), e, "key").path(), orElse);
    }

    private Source counter(JsonAt s, EventType e) {
        String name = s.get("counter").identifier();
        JsonAt by = s.get("by");
        if (!by.present()) {
            return new Source.Counter(name, 1, null);
        }
        if (by.node().isNumber()) {
            return new Source.Counter(name, (Number) Values.number(by.node().decimalValue()), null);
        }
        return new Source.Counter(name, null, field(by, e, "counter increment").path());
    }

    /** Types of one event type's sources against their columns, and its primary key. */
    private void checkTypes(WideTable table, EventType e, JsonAt at) {
        List<Column> own = table.columnsOf(e.type());
        if (own.isEmpty()) {
            return;
        }
        Map<String, Scope.Ref> cols = new LinkedHashMap<>();
        Scope plain = new Scope(e, dims, cols);
        Map<String, Source.Counter> counters = new HashMap<>();
        for (boolean computed : new boolean[] {false, true}) {
            for (Column c : own) {
                Source s = c.sources().get(e.type());
                if ((s instanceof Source.Computed) != computed) {
                    continue;
                }
                String path = sourcePaths.get(c.name()).get(e.type());
                if (computed) {
                    ((Source.Computed) s)
                            .expr()
                            .names(
                                    n -> {
                                        Scope.Ref r = plain.resolve(n, path);
                                        if (r.kind() == Scope.Kind.COLUMN
                                                && table.column(r.name()).sources().get(e.type())
                                                        instanceof Source.Computed) {
                                            throw new SpecException(
                                                    path,
                                                    "expr reads computed column '" + n + "'",
                                                    "an expr reads payload fields, event attributes"
                                                            + " and columns that are not computed");
                                        }
                                    });
                }
                if (s instanceof Source.Counter k) {
                    Source.Counter seen = counters.putIfAbsent(k.name(), k);
                    if (seen != null && !seen.equals(k)) {
                        throw new SpecException(
                                path,
                                "counter "
                                        + k.name()
                                        + " is added to differently by another column of "
                                        + e.type(),
                                "give both columns the same counter, or name them differently");
                    }
                }
                ValueType t = plain.typeOf(s, path);
                checkFallbacks(plain, s, t, path);
                String refusal = c.type().refuses(t);
                if (refusal != null) {
                    throw new SpecException(
                            path,
                            "column "
                                    + c.name()
                                    + " is "
                                    + c.type()
                                    + " but this source gives "
                                    + t.describe(),
                            refusal);
                }
                cols.put(c.name(), plain.columnRef(c.name(), s, path));
            }
        }
        for (String k : table.primaryKey()) {
            Column c = table.column(k);
            Source s = c.sources().get(e.type());
            if (s == null) {
                throw new SpecException(
                        at.get("primaryKey").path(),
                        "event type "
                                + e.type()
                                + " fills columns of "
                                + table.name()
                                + " but not its primary-key column '"
                                + k
                                + "'",
                        "give column " + k + " a source for " + e.type() + " (or *)");
            }
            if (plain.nullable(s)) {
                throw new SpecException(
                        sourcePaths.get(k).get(e.type()),
                        "primary-key column '" + k + "' may be null for event type " + e.type(),
                        "take it from a required payload field, or add an orElse that is never null");
            }
        }
    }

    private static void checkFallbacks(Scope scope, Source s, ValueType t, String path) {
        for (Source f = s.orElse(); f != null; f = f.orElse()) {
            ValueType ft = scope.typeOf(f, path + ".orElse");
            if (!ft.comparableWith(t)) {
                throw new SpecException(
                        path + ".orElse",
                        "the fallback gives " + ft.describe() + ", the source " + t.describe(),
                        "make both the same type");
            }
        }
    }
}
