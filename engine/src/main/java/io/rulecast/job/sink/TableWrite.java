package io.rulecast.job.sink;

import io.rulecast.runtime.Emission;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One row change for a MySQL table, produced by a rule: an upsert of the named columns or a delete
 * by key. Carries the rule and version that produced it, for dead letters and metrics. The routing
 * function emits these; the wide-table sink applies them.
 */
@TypeInfo(TableWriteTypeInfo.Factory.class)
public final class TableWrite implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What to do with the row. */
    public enum Kind {
        UPSERT,
        DELETE
    }

    private final Kind kind;
    private final String table;
    private final Map<String, Object> row;
    private final String rule;
    private final String version;
    private final String eventId;
    private final long eventTimestamp;

    /** An upsert or delete of the routing core as the sink takes it. */
    public static TableWrite of(
            Emission write, String rule, String version, String eventId, long eventTimestamp) {
        if (write instanceof Emission.Upsert u) {
            return new TableWrite(
                    Kind.UPSERT, u.table(), u.row(), rule, version, eventId, eventTimestamp);
        }
        if (write instanceof Emission.Delete d) {
            return new TableWrite(
                    Kind.DELETE, d.table(), d.key(), rule, version, eventId, eventTimestamp);
        }
        throw new IllegalArgumentException("not a table write: " + write);
    }

    public TableWrite(
            Kind kind,
            String table,
            Map<String, Object> row,
            String rule,
            String version,
            String eventId,
            long eventTimestamp) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.table = Objects.requireNonNull(table, "table");
        this.row = Objects.requireNonNull(row, "row");
        this.rule = rule;
        this.version = version;
        this.eventId = eventId;
        this.eventTimestamp = eventTimestamp;
    }

    public Kind kind() {
        return kind;
    }

    public String table() {
        return table;
    }

    /** Column → value for an upsert; key column → value for a delete. Plain data. */
    public Map<String, Object> row() {
        return row;
    }

    /** {@code domain/event_type/rule_name}. */
    public String rule() {
        return rule;
    }

    public String version() {
        return version;
    }

    public String eventId() {
        return eventId;
    }

    public long eventTimestamp() {
        return eventTimestamp;
    }

    @Override
    public String toString() {
        return kind + " " + table + " " + row + " by " + rule + "@" + version;
    }
}
