package io.rulecast.cli.scaffold;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column type a spec may use: the MySQL 8 / MariaDB 10.6+ types a wide or dimension table needs,
 * with their Flink SQL counterparts and the values they hold.
 *
 * @param sql the canonical MySQL spelling, e.g. {@code VARCHAR(64)} or {@code DECIMAL(12,2)}
 * @param length the length of CHAR/VARCHAR, the precision of DECIMAL, the fraction digits of
 *     DATETIME/TIMESTAMP; 0 when the type has none
 * @param scale the scale of DECIMAL, else 0
 */
public record SqlType(Kind kind, String sql, int length, int scale) {

    /** What a column of the type holds. */
    public enum Kind {
        TEXT,
        INTEGER,
        DECIMAL,
        FLOAT,
        BOOLEAN,
        DATE,
        DATETIME,
        JSON
    }

    /** The types accepted, for the error message of an unknown one. */
    public static final String KNOWN =
            "VARCHAR(n), CHAR(n), TEXT, TINYINT, SMALLINT, INT, BIGINT, DECIMAL(p,s), DOUBLE,"
                    + " BOOLEAN, DATE, DATETIME, TIMESTAMP(3), JSON";

    private static final Pattern FORM =
            Pattern.compile("([A-Z]+)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?");

    /**
     * Parses a type as written in a spec (any case).
     *
     * @throws IllegalArgumentException naming the problem, when it is not a type a spec may use
     */
    public static SqlType parse(String text) {
        Matcher m = FORM.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown SQL type '" + text + "'");
        }
        String name = m.group(1);
        Integer a = m.group(2) == null ? null : Integer.valueOf(m.group(2));
        Integer b = m.group(3) == null ? null : Integer.valueOf(m.group(3));
        switch (name) {
            case "VARCHAR", "CHAR" -> {
                if (a == null || b != null || a < 1 || a > 16383) {
                    throw new IllegalArgumentException(
                            name + " needs a length from 1 to 16383, e.g. " + name + "(64)");
                }
                return new SqlType(Kind.TEXT, name + "(" + a + ")", a, 0);
            }
            case "TEXT", "MEDIUMTEXT" -> {
                return plain(Kind.TEXT, name, a);
            }
            case "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT" -> {
                return plain(Kind.INTEGER, name.equals("INTEGER") ? "INT" : name, a);
            }
            case "DECIMAL", "NUMERIC" -> {
                int p = a == null ? 10 : a;
                int s = b == null ? 0 : b;
                if (p < 1 || p > 65 || s > 30 || s > p) {
                    throw new IllegalArgumentException(
                            "DECIMAL(p,s) needs 1 <= p <= 65 and s <= min(p, 30)");
                }
                return new SqlType(Kind.DECIMAL, "DECIMAL(" + p + "," + s + ")", p, s);
            }
            case "DOUBLE", "FLOAT" -> {
                return plain(Kind.FLOAT, name, a);
            }
            case "BOOLEAN", "BOOL" -> {
                return plain(Kind.BOOLEAN, "BOOLEAN", a);
            }
            case "DATE" -> {
                return plain(Kind.DATE, "DATE", a);
            }
            case "DATETIME", "TIMESTAMP" -> {
                int fraction = a == null ? 0 : a;
                if (b != null || fraction > 6) {
                    throw new IllegalArgumentException(name + "(n) takes 0 to 6 fraction digits");
                }
                return new SqlType(
                        Kind.DATETIME, a == null ? name : name + "(" + a + ")", fraction, 0);
            }
            case "JSON" -> {
                return plain(Kind.JSON, "JSON", a);
            }
            default -> throw new IllegalArgumentException("unknown SQL type '" + text + "'");
        }
    }

    private static SqlType plain(Kind kind, String name, Integer arg) {
        if (arg != null) {
            throw new IllegalArgumentException(name + " takes no length");
        }
        return new SqlType(kind, name, 0, 0);
    }

    /** The Flink SQL type of the column, as the JDBC connector reads it. */
    public String flinkType() {
        return switch (kind) {
            case TEXT, JSON -> "STRING";
            case INTEGER ->
                    switch (sql) {
                        case "TINYINT" -> "TINYINT";
                        case "SMALLINT" -> "SMALLINT";
                        case "BIGINT" -> "BIGINT";
                        default -> "INT";
                    };
            case DECIMAL -> sql;
            case FLOAT -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case DATETIME -> "TIMESTAMP(" + length + ")";
        };
    }

    /**
     * Whether a value of {@code type} may be written to a column of this type as it is (MySQL would
     * otherwise convert, truncate or refuse it). Returns null when it may, else what to do.
     */
    public String refuses(ValueType type) {
        boolean ok =
                switch (type) {
                    case NULL -> true;
                    case STRING ->
                            kind == Kind.TEXT
                                    || kind == Kind.DATE
                                    || kind == Kind.DATETIME
                                    || kind == Kind.JSON;
                    case INTEGER ->
                            kind == Kind.INTEGER
                                    || kind == Kind.DECIMAL
                                    || kind == Kind.FLOAT
                                    || kind == Kind.TEXT;
                    case DECIMAL -> kind == Kind.DECIMAL || kind == Kind.FLOAT || kind == Kind.TEXT;
                    case BOOLEAN -> kind == Kind.BOOLEAN || kind == Kind.INTEGER;
                    case JSON -> kind == Kind.JSON || kind == Kind.TEXT;
                };
        if (ok) {
            return null;
        }
        return switch (type) {
            case STRING -> "use a VARCHAR, TEXT, DATE or DATETIME column";
            case INTEGER -> "use an integer, DECIMAL or VARCHAR column";
            case DECIMAL -> "use a DECIMAL or DOUBLE column (or declare the field \"integer\")";
            case BOOLEAN -> "use a BOOLEAN column";
            default -> "use a JSON or TEXT column";
        };
    }

    /** The type of the values a rule reads from a dimension column of this type. */
    public ValueType valueType() {
        return switch (kind) {
            // the job's dimension lookup hands JSON columns over as text
            case TEXT, DATE, DATETIME, JSON -> ValueType.STRING;
            case INTEGER -> ValueType.INTEGER;
            case DECIMAL, FLOAT -> ValueType.DECIMAL;
            case BOOLEAN -> ValueType.BOOLEAN;
        };
    }

    @Override
    public String toString() {
        return sql;
    }
}
