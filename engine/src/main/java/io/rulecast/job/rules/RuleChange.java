package io.rulecast.job.rules;

import java.util.Arrays;
import java.util.Collection;

/**
 * A change of {@code routing_configs} seen by the rules source: a row that is new or differs from
 * the previous poll, or a row that is gone. A disabled row is an {@link Kind#UPSERT} with {@code
 * enabled == false}; the routing function stops the rule either way.
 *
 * @param rowIds for {@link Kind#SYNCED}: the ids of every row of {@code routing_configs} as of the
 *     read it closes, sorted (null: unknown, e.g. in tests); null for the other kinds
 */
public record RuleChange(Kind kind, RoutingRow row, long[] rowIds) {

    /** What happened to the row. */
    public enum Kind {
        UPSERT,
        DELETE,
        /**
         * Every row of the first poll has been sent: until it arrives, a fresh job cannot tell "no
         * rule serves this event" from "the rules have not arrived yet", and a restored one cannot
         * tell whether its restored rules still exist. No row; the ids of the rows of that read.
         */
        SYNCED
    }

    public RuleChange(Kind kind, RoutingRow row) {
        this(kind, row, null);
    }

    public static RuleChange upsert(RoutingRow row) {
        return new RuleChange(Kind.UPSERT, row);
    }

    public static RuleChange delete(RoutingRow row) {
        return new RuleChange(Kind.DELETE, row);
    }

    /** The end of a complete read, without the ids of its rows: nothing to reconcile against. */
    public static RuleChange synced() {
        return new RuleChange(Kind.SYNCED, null);
    }

    /** The end of a complete read whose rows have these ids. */
    public static RuleChange synced(Collection<Long> ids) {
        long[] sorted = ids.stream().mapToLong(Long::longValue).sorted().toArray();
        return new RuleChange(Kind.SYNCED, null, sorted);
    }

    /**
     * For {@link Kind#SYNCED}: whether the row {@code id} was in the read (always true when the
     * marker carries no ids).
     */
    public boolean lists(long id) {
        return rowIds == null || Arrays.binarySearch(rowIds, id) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleChange c
                && kind == c.kind
                && java.util.Objects.equals(row, c.row)
                && Arrays.equals(rowIds, c.rowIds);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(kind, row) + Arrays.hashCode(rowIds);
    }

    @Override
    public String toString() {
        return kind == Kind.SYNCED
                ? "SYNCED" + (rowIds == null ? "" : Arrays.toString(rowIds))
                : kind + " " + row;
    }
}
