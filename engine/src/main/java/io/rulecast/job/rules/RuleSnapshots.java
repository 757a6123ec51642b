package io.rulecast.job.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive full reads of {@code routing_configs} into changes. Rows are matched by {@code
 * id}; any difference in a row (script, config, enabled, priority, names, update time) makes it an
 * upsert, and a row missing from the new read a delete. Holds the last read; not thread-safe.
 */
public final class RuleSnapshots {
    private Map<Long, RoutingRow> previous = Map.of();

    /** Starts from nothing: the first read is all upserts. */
    public RuleSnapshots() {}

    /**
     * Starts from rows read (and emitted) before, e.g. those a restored source had sent: the first
     * read then yields only what changed since, deletes included.
     */
    public RuleSnapshots(List<RoutingRow> before) {
        Map<Long, RoutingRow> m = new LinkedHashMap<>();
        before.forEach(r -> m.put(r.id(), r));
        previous = m;
    }

    /** The changes from the previous read to {@code rows}; the first call returns every row. */
    public List<RuleChange> next(List<RoutingRow> rows) {
        Map<Long, RoutingRow> current = new LinkedHashMap<>(rows.size() * 4 / 3 + 1);
        List<RuleChange> changes = new ArrayList<>();
        for (RoutingRow row : rows) {
            current.put(row.id(), row);
            RoutingRow before = previous.get(row.id());
            if (!row.equals(before)) {
                changes.add(RuleChange.upsert(row));
            }
        }
        for (RoutingRow before : previous.values()) {
            if (!current.containsKey(before.id())) {
                changes.add(RuleChange.delete(before));
            }
        }
        previous = current;
        return changes;
    }

    /** The ids of the rows of the last read (or of the rows it started from). */
    public java.util.Set<Long> ids() {
        return java.util.Set.copyOf(previous.keySet());
    }

    /** Number of rows of the last read. */
    public int size() {
        return previous.size();
    }
}
