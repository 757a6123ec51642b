package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.Column;
import io.rulecast.cli.scaffold.DomainSpec.Dimension;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the names in the expressions of one event type's rule mean, and the types of its expressions
 * and column sources. A bare name is a payload field of the event type if it has one, else a column
 * the rule fills; {@code payload.x}, {@code row.x} and {@code event.x} say which.
 */
public final class Scope {
    /** Where a name's value comes from. */
    public enum Kind {
        PAYLOAD,
        COLUMN,
        EVENT
    }

    /**
     * A resolved name.
     *
     * @param name the field path, column name or event attribute
     */
    public record Ref(Kind kind, String name, ValueType type, boolean nullable) {}

    private static final Map<String, Ref> EVENT_ATTRIBUTES =
            Map.of(
                    "eventId", new Ref(Kind.EVENT, "eventId", ValueType.STRING, false),
                    "domain", new Ref(Kind.EVENT, "domain", ValueType.STRING, false),
                    "type", new Ref(Kind.EVENT, "type", ValueType.STRING, false),
                    "timestamp", new Ref(Kind.EVENT, "timestamp", ValueType.INTEGER, false),
                    "source", new Ref(Kind.EVENT, "source", ValueType.STRING, true),
                    "traceId", new Ref(Kind.EVENT, "traceId", ValueType.STRING, true));

    private final EventType event;
    private final List<Dimension> dims;
    private final Map<String, Ref> columns;

    Scope(EventType event, List<Dimension> dims, Map<String, Ref> columns) {
        this.event = event;
        this.dims = dims;
        this.columns = columns;
    }

    /** The scope of a checked spec's rule for {@code eventType}, with all its columns. */
    public static Scope of(DomainSpec spec, String eventType) {
        EventType et = spec.event(eventType);
        Map<String, Ref> cols = new LinkedHashMap<>();
        Scope plain = new Scope(et, spec.dimensions(), cols);
        List<Column> own = spec.wideTable().columnsOf(eventType);
        // Computed columns read the others, so the others are typed first.
        for (boolean computed : new boolean[] {false, true}) {
            for (Column c : own) {
                Source s = c.sources().get(eventType);
                if ((s instanceof Source.Computed) == computed) {
                    cols.put(c.name(), plain.columnRef(c.name(), s, "$"));
                }
            }
        }
        return plain;
    }

    /** A scope with the same event and dimensions and these columns. */
    Scope withColumns(Map<String, Ref> cols) {
        return new Scope(event, dims, cols);
    }

    public EventType event() {
        return event;
    }

    /** The reference of a column filled from {@code source}. */
    Ref columnRef(String column, Source source, String path) {
        return new Ref(Kind.COLUMN, column, typeOf(source, path), nullable(source));
    }

    /** What {@code name} means here, or a SpecException at {@code path}. */
    public Ref resolve(String name, String path) {
        Ref r = lookup(name);
        if (r == null) {
            List<String> known =
                    new java.util.ArrayList<>(event.fields().stream().map(Field::path).toList());
            known.addAll(columns.keySet());
            throw new SpecException(
                    path,
                    "unknown name '" + name + "' for event type " + event.type(),
                    "use a payload field or a column its rule fills ("
                            + (known.isEmpty() ? "none" : String.join(", ", known))
                            + "), or event.type, event.eventId, event.timestamp");
        }
        return r;
    }

    private Ref lookup(String name) {
        if (name.startsWith("event.")) {
            return EVENT_ATTRIBUTES.get(name.substring("event.".length()));
        }
        if (name.startsWith("row.")) {
            return columns.get(name.substring("row.".length()));
        }
        String field = name.startsWith("payload.") ? name.substring("payload.".length()) : name;
        Field f = event.field(field);
        if (f != null) {
            return new Ref(Kind.PAYLOAD, f.path(), f.type().valueType(), !f.required());
        }
        return name.startsWith("payload.") ? null : columns.get(name);
    }

    /** The type of an expression; a SpecException at {@code path} when it has none. */
    public ValueType typeOf(Expr e, String path) {
        if (e instanceof Expr.Literal l) {
            Object v = l.value();
            return v == null
                    ? ValueType.NULL
                    : v instanceof String
                            ? ValueType.STRING
                            : v instanceof Boolean
                                    ? ValueType.BOOLEAN
                                    : v instanceof java.math.BigDecimal
                                            ? ValueType.DECIMAL
                                            : ValueType.INTEGER;
        }
        if (e instanceof Expr.Name n) {
            return resolve(n.name(), path).type();
        }
        if (e instanceof Expr.Unary u) {
            ValueType t = typeOf(u.operand(), path);
            if (u.op().equals("!")) {
                require(t == ValueType.BOOLEAN, e, "'!' needs a condition", path);
                return ValueType.BOOLEAN;
            }
            require(t.isNumeric(), e, "'-' needs a number", path);
            return t;
        }
        Expr.Binary b = (Expr.Binary) e;
        ValueType l = typeOf(b.left(), path);
        ValueType r = typeOf(b.right(), path);
        switch (b.op()) {
            case "&&", "||" -> {
                require(
                        l == ValueType.BOOLEAN && r == ValueType.BOOLEAN,
                        e,
                        "'"
                                + b.op()
                                + "' joins conditions, got "
                                + l.describe()
                                + " and "
                                + r.describe(),
                        path);
                return ValueType.BOOLEAN;
            }
            case "==", "!=" -> {
                require(
                        l.comparableWith(r),
                        e,
                        "compares " + l.describe() + " with " + r.describe(),
                        path);
                return ValueType.BOOLEAN;
            }
            case "<", "<=", ">", ">=" -> {
                require(
                        (l.isNumeric() && r.isNumeric())
                                || (l == ValueType.STRING && r == ValueType.STRING),
                        e,
                        "'"
                                + b.op()
                                + "' orders two numbers or two strings, got "
                                + l.describe()
                                + " and "
                                + r.describe(),
                        path);
                return ValueType.BOOLEAN;
            }
            default -> {
                require(
                        l.isNumeric() && r.isNumeric(),
                        e,
                        "'"
                                + b.op()
                                + "' needs numbers, got "
                                + l.describe()
                                + " and "
                                + r.describe(),
                        path);
                return l == ValueType.INTEGER && r == ValueType.INTEGER && !b.op().equals("/")
                        ? ValueType.INTEGER
                        : ValueType.DECIMAL;
            }
        }
    }

    /** Whether the expression's value may be null (only arithmetic and names can). */
    public boolean nullable(Expr e) {
        if (e instanceof Expr.Literal l) {
            return l.value() == null;
        }
        if (e instanceof Expr.Name n) {
            return lookup(n.name()).nullable();
        }
        if (e instanceof Expr.Unary u) {
            return !u.op().equals("!") && nullable(u.operand());
        }
        Expr.Binary b = (Expr.Binary) e;
        return switch (b.op()) {
            case "+", "-", "*" -> nullable(b.left()) || nullable(b.right());
            case "/" -> true; // x / 0 is null
            default -> false;
        };
    }

    private static void require(boolean ok, Expr e, String problem, String path) {
        if (!ok) {
            throw new SpecException(path, "'" + e.show() + "': " + problem, null);
        }
    }

    /** The type of the value a source gives. */
    ValueType typeOf(Source s, String path) {
        if (s instanceof Source.Payload p) {
            return event.field(p.field()).type().valueType();
        }
        if (s instanceof Source.Dim d) {
            for (Dimension dim : dims) {
                if (dim.name().equals(d.dim())) {
                    return dim.column(d.column()).type().valueType();
                }
            }
            throw new IllegalStateException("unchecked dimension " + d.dim());
        }
        if (s instanceof Source.Timestamp t) {
            return t.format() == Source.Timestamp.Format.MILLIS
                    ? ValueType.INTEGER
                    : ValueType.STRING;
        }
        if (s instanceof Source.Counter c) {
            if (c.byField() != null) {
                return event.field(c.byField()).type().valueType();
            }
            return c.by() instanceof java.math.BigDecimal ? ValueType.DECIMAL : ValueType.INTEGER;
        }
        if (s instanceof Source.Const c) {
            return typeOf(new Expr.Literal(c.value()), path);
        }
        return typeOf(((Source.Computed) s).expr(), path);
    }

    /** Whether a source (with its fallbacks) may give null. */
    boolean nullable(Source s) {
        boolean own;
        if (s instanceof Source.Payload p) {
            own = !event.field(p.field()).required();
        } else if (s instanceof Source.Dim) {
            own = true;
        } else if (s instanceof Source.Const c) {
            own = c.value() == null;
        } else if (s instanceof Source.Computed c) {
            own = nullable(c.expr());
        } else {
            own = false;
        }
        return own && (s.orElse() == null || nullable(s.orElse()));
    }
}
