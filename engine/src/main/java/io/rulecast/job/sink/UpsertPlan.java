package io.rulecast.job.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns a buffer of writes into as few JDBC batches as possible without reordering the writes of
 * any one row.
 *
 * <p>A batch is one statement shape: (upsert or delete, table, column set). Writes of different
 * rows may run in any order, so each write joins the earliest batch of its shape that runs after
 * the batch holding the previous write of its row. Batches are arranged in levels that run one
 * after the other; a level holds at most one batch per shape. When event types alternate (one fills
 * columns a,b of a row, the next c,d of another), this gives two batches instead of one per write;
 * an upsert, delete, upsert of one row still runs in that order.
 */
final class UpsertPlan {
    private UpsertPlan() {}

    /** One JDBC batch: a statement and the writes whose values it binds, in order. */
    record Batch(
            TableWrite.Kind kind,
            String table,
            List<String> columns,
            String sql,
            List<TableWrite> writes) {

        /** The bound values of {@code w}, in {@link #columns} order. */
        Object[] parameters(TableWrite w) {
            Object[] p = new Object[columns.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = UpsertSql.toJdbc(w.row().get(columns.get(i)));
            }
            return p;
        }
    }

    private record Shape(TableWrite.Kind kind, String table, List<String> columns) {}

    private record Slot(int level, Shape shape) {}

    /**
     * @param writes checked writes (see {@link TableCatalog#check}), in the order received
     * @param primaryKeys table → primary-key columns
     */
    static List<Batch> of(List<TableWrite> writes, Function<String, List<String>> primaryKeys) {
        List<Map<Shape, List<TableWrite>>> levels = new ArrayList<>();
        Map<Shape, TreeSet<Integer>> levelsByShape = new HashMap<>();
        Map<String, Slot> lastByRow = new HashMap<>();
        Map<String, List<String>> keys = new HashMap<>();
        Shape previous = null;
        for (TableWrite w : writes) {
            List<String> pk = keys.computeIfAbsent(w.table(), primaryKeys);
            Shape shape = sameShape(previous, w) ? previous : shape(w, pk);
            previous = shape;
            String row = TableWriteKeySelector.rowKey(w.table(), pk, w.row());
            Slot last = lastByRow.get(row);
            int level;
            if (last != null && last.shape().equals(shape)) {
                level = last.level(); // same batch: JDBC runs its rows in order
            } else {
                int earliest = last == null ? 0 : last.level() + 1;
                TreeSet<Integer> existing =
                        levelsByShape.computeIfAbsent(shape, s -> new TreeSet<>());
                Integer joinable = existing.ceiling(earliest);
                level = joinable != null ? joinable : earliest;
                existing.add(level);
            }
            while (levels.size() <= level) {
                levels.add(new LinkedHashMap<>());
            }
            levels.get(level).computeIfAbsent(shape, s -> new ArrayList<>()).add(w);
            lastByRow.put(row, new Slot(level, shape));
        }
        List<Batch> batches = new ArrayList<>();
        for (Map<Shape, List<TableWrite>> level : levels) {
            for (Map.Entry<Shape, List<TableWrite>> e : level.entrySet()) {
                Shape s = e.getKey();
                String sql =
                        s.kind() == TableWrite.Kind.UPSERT
                                ? UpsertSql.upsert(s.table(), s.columns(), keys.get(s.table()))
                                : UpsertSql.delete(s.table(), s.columns());
                batches.add(new Batch(s.kind(), s.table(), s.columns(), sql, e.getValue()));
            }
        }
        return batches;
    }

    /**
     * True when {@code w} has the shape of the previous write: the common case of a buffer of one
     * rule's rows, checked without sorting the row's columns again.
     */
    private static boolean sameShape(Shape previous, TableWrite w) {
        if (previous == null
                || previous.kind() != w.kind()
                || !previous.table().equals(w.table())) {
            return false;
        }
        if (w.kind() == TableWrite.Kind.DELETE) {
            return true; // a delete's columns are its table's primary key
        }
        Map<String, Object> row = w.row();
        return row.size() == previous.columns().size()
                && row.keySet().containsAll(previous.columns());
    }

    private static Shape shape(TableWrite w, List<String> primaryKey) {
        // Deletes bind the key in key order; upserts name their columns sorted, so two rows
        // naming the same columns in a different order share a statement.
        List<String> columns =
                w.kind() == TableWrite.Kind.DELETE
                        ? primaryKey
                        : List.copyOf(new TreeSet<>(w.row().keySet()));
        return new Shape(w.kind(), w.table(), columns);
    }
}
