package io.rulecast.job.sink;

import io.rulecast.routing.KeyPath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys a {@link TableWrite} by its table and primary-key values, so that {@code keyBy} sends every
 * write of one wide-table row to the same sink writer, which applies them in the order received.
 *
 * <p>Key values are normalized the way MySQL compares them ({@code 1}, {@code 1L}, {@code 1.0} and
 * {@code "1"} are one key): routing two spellings of one row to one writer keeps their order, and
 * merging distinct rows into one key only costs a little spread.
 */
public final class TableWriteKeySelector implements KeySelector<TableWrite, String> {
    private static final long serialVersionUID = 1L;
    private static final char SEPARATOR = '\u0001';

    private final Map<String, List<String>> primaryKeys;

    /**
     * @param primaryKeys table → primary-key columns, see {@link #resolvePrimaryKeys}
     */
    public TableWriteKeySelector(Map<String, List<String>> primaryKeys) {
        this.primaryKeys = new LinkedHashMap<>(primaryKeys);
    }

    /**
     * Reads the primary key of every allowed table: the job calls this at start-up.
     *
     * @throws IllegalArgumentException naming the first allowed table that does not exist or has no
     *     primary key
     */
    public static Map<String, List<String>> resolvePrimaryKeys(TableCatalog catalog) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String table : catalog.allowedTables()) {
            try {
                keys.put(table, catalog.primaryKey(table));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sink.tables.allowed: " + e.getMessage(), e);
            }
        }
        return keys;
    }

    @Override
    public String getKey(TableWrite w) {
        // A table we know nothing about: its writes all go to one writer, which rejects them.
        return rowKey(w.table(), primaryKeys.getOrDefault(w.table(), List.of()), w.row());
    }

    /** Table and normalized primary-key values, e.g. {@code t␁42}. */
    static String rowKey(String table, List<String> primaryKey, Map<String, Object> row) {
        StringBuilder sb = new StringBuilder(table.length() + 16 * primaryKey.size()).append(table);
        for (String column : primaryKey) {
            sb.append(SEPARATOR).append(normalize(row.get(column)));
        }
        return sb.toString();
    }

    /** Numbers by value, with the routing core's one key function; the rest as text. */
    static String normalize(Object v) {
        return v instanceof Number ? KeyPath.text(v) : Objects.toString(v);
    }
}
