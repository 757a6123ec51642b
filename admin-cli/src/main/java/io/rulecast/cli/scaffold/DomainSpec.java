package io.rulecast.cli.scaffold;

import io.rulecast.runtime.Language;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scaffold spec as read and checked by {@link SpecReader}: the domain, its event types with their
 * payload fields, the wide table with where each column comes from per event type, the dimension
 * tables, and the alerts and metrics wanted. Every name in it has been checked to resolve.
 *
 * @param language the spec's default rule language, or null (the command line decides)
 * @param keyPath {@code events.key.path} of the job: what {@code ctx.state} is keyed by
 * @param utcOffsetHours the offset of local time for DATETIME and DATE columns
 */
public record DomainSpec(
        String domain,
        String description,
        Language language,
        String keyPath,
        int utcOffsetHours,
        List<EventType> events,
        List<Dimension> dimensions,
        WideTable wideTable,
        List<Alert> alerts,
        List<Metric> metrics) {

    /** The JSON type of a payload field. */
    public enum JsonType {
        STRING,
        INTEGER,
        NUMBER,
        BOOLEAN,
        OBJECT,
        ARRAY;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The type of the value an expression or a column gets from such a field. */
        public ValueType valueType() {
            return switch (this) {
                case STRING -> ValueType.STRING;
                case INTEGER -> ValueType.INTEGER;
                case NUMBER -> ValueType.DECIMAL;
                case BOOLEAN -> ValueType.BOOLEAN;
                case OBJECT, ARRAY -> ValueType.JSON;
            };
        }
    }

    /**
     * One payload field.
     *
     * @param path the field's name, or a dotted path into nested objects ({@code address.city})
     * @param examples sample values (plain JSON values), used to generate events; may be empty
     */
    public record Field(
            String path,
            JsonType type,
            boolean required,
            List<Object> examples,
            String description) {

        public List<String> segments() {
            return List.of(path.split("\\."));
        }
    }

    /** An event type: what its payload holds. */
    public record EventType(String type, String description, List<Field> fields) {
        public Field field(String path) {
            for (Field f : fields) {
                if (f.path().equals(path)) {
                    return f;
                }
            }
            return null;
        }

        public List<Field> requiredFields() {
            return fields.stream().filter(Field::required).toList();
        }
    }

    /** A column of a table, with its SQL type. */
    public record ColumnDef(String name, SqlType type, String description) {}

    /**
     * A dimension table, read by rules with {@code ctx.dim(name, key)}.
     *
     * @param key the key column
     * @param rows sample rows given in the spec (column → value); empty to have them generated
     */
    public record Dimension(
            String name,
            String table,
            String key,
            String description,
            List<ColumnDef> columns,
            List<Map<String, Object>> rows) {

        public ColumnDef column(String name) {
            for (ColumnDef c : columns) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    /**
     * A wide-table column and where its value comes from, per event type.
     *
     * @param sources event type → source, in spec order ({@code "*"} already expanded)
     */
    public record Column(
            String name, SqlType type, String description, Map<String, Source> sources) {}

    /** The table the rules upsert into. */
    public record WideTable(
            String name, String description, List<String> primaryKey, List<Column> columns) {

        public Column column(String name) {
            for (Column c : columns) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }

        /** The columns an event type's rule writes, in table order. */
        public List<Column> columnsOf(String eventType) {
            List<Column> out = new ArrayList<>();
            for (Column c : columns) {
                if (c.sources().containsKey(eventType)) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    /**
     * An alert raised by the rule of event type {@code on} when {@code when} holds.
     *
     * @param when the condition, or null for every event
     * @param fields the alert's fields: name → expression
     */
    public record Alert(
            String name,
            String on,
            Expr when,
            String level,
            Template message,
            Map<String, Expr> fields) {}

    /**
     * A metric emitted by the rule of event type {@code on} when {@code when} holds and its value
     * is not null.
     */
    public record Metric(String name, String on, Expr when, Expr value, Map<String, Expr> tags) {}

    public EventType event(String type) {
        for (EventType e : events) {
            if (e.type().equals(type)) {
                return e;
            }
        }
        return null;
    }

    public Dimension dimension(String name) {
        for (Dimension d : dimensions) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    public List<Alert> alertsOn(String eventType) {
        return alerts.stream().filter(a -> a.on().equals(eventType)).toList();
    }

    public List<Metric> metricsOn(String eventType) {
        return metrics.stream().filter(m -> m.on().equals(eventType)).toList();
    }

    /** True when the rule of {@code eventType} writes a row of the wide table. */
    public boolean writesRow(String eventType) {
        return !wideTable.columnsOf(eventType).isEmpty();
    }

    /** The dimensions a rule looks up, as (dimension, key field) pairs in first-use order. */
    public Set<Source.DimLookup> lookupsOf(String eventType) {
        Set<Source.DimLookup> out = new LinkedHashSet<>();
        for (Column c : wideTable.columnsOf(eventType)) {
            collectLookups(c.sources().get(eventType), out);
        }
        return out;
    }

    private static void collectLookups(Source s, Set<Source.DimLookup> out) {
        if (s == null) {
            return;
        }
        if (s instanceof Source.Dim d) {
            out.add(d.lookup());
        }
        collectLookups(s.orElse(), out);
    }
}
