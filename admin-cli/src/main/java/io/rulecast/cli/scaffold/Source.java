package io.rulecast.cli.scaffold;

/**
 * Where a wide-table column's value comes from, for one event type. A source that may give null (an
 * optional payload field, a dimension row that is missing, an expression over such values) can name
 * a fallback in {@code orElse}.
 */
public sealed interface Source {

    /** The fallback when this source gives null, or null. */
    Source orElse();

    /** A field of the event's payload ({@code {"payload": "amount"}}). */
    record Payload(String field, Source orElse) implements Source {}

    /** A dimension table looked up by a payload field. */
    record DimLookup(String dim, String keyField) {}

    /**
     * A column of a dimension row ({@code {"dim": "users", "column": "name", "key": "userId"}}).
     */
    record Dim(String dim, String column, String keyField, Source orElse) implements Source {
        public DimLookup lookup() {
            return new DimLookup(dim, keyField);
        }
    }

    /** The event's time ({@code {"timestamp": "datetime"}}). */
    record Timestamp(Format format) implements Source {
        /** How the time is written. */
        public enum Format {
            /** {@code yyyy-MM-dd HH:mm:ss} in the spec's local time, for DATETIME columns. */
            DATETIME,
            /** {@code yyyy-MM-dd} in the spec's local time, for DATE columns. */
            DATE,
            /** Epoch milliseconds, for BIGINT columns. */
            MILLIS;

            public String id() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        @Override
        public Source orElse() {
            return null;
        }
    }

    /**
     * A counter kept in {@code ctx.state} for the row: each event of the type adds {@code by} (a
     * number, or the value of a required numeric payload field) and the column gets the new total
     * ({@code {"counter": "pay_attempts"}}).
     *
     * @param byField the payload field added, or null to add {@code by}
     */
    record Counter(String name, Number by, String byField) implements Source {
        @Override
        public Source orElse() {
            return null;
        }
    }

    /** A constant ({@code {"const": "PAID"}}). */
    record Const(Object value) implements Source {
        @Override
        public Source orElse() {
            return null;
        }
    }

    /** An expression over the payload fields and the rule's other columns ({@code {"expr": …}}). */
    record Computed(Expr expr, Source orElse) implements Source {}
}
