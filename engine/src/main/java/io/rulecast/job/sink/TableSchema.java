package io.rulecast.job.sink;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The columns (in table order, with their {@code information_schema} data types) and primary-key
 * columns (in key order) of one table. The only source of identifiers the sink ever puts into SQL.
 */
public record TableSchema(
        String database, String table, Map<String, String> columnTypes, List<String> primaryKey)
        implements Serializable {

    private static final Set<String> NUMERIC_TYPES =
            Set.of(
                    "tinyint",
                    "smallint",
                    "mediumint",
                    "int",
                    "integer",
                    "bigint",
                    "decimal",
                    "numeric",
                    "float",
                    "double",
                    "real",
                    "bit",
                    "year");

    public TableSchema {
        columnTypes = Collections.unmodifiableMap(new LinkedHashMap<>(columnTypes));
        primaryKey = List.copyOf(primaryKey);
    }

    public boolean hasColumn(String column) {
        return columnTypes.containsKey(column);
    }

    /** True for integer, decimal and floating-point columns. */
    public boolean isNumeric(String column) {
        String type = columnTypes.get(column);
        return type != null && NUMERIC_TYPES.contains(type.toLowerCase(Locale.ROOT));
    }

    /** The real column that differs from {@code column} only in case, or null. */
    String sameColumnIgnoringCase(String column) {
        for (String c : columnTypes.keySet()) {
            if (c.equalsIgnoreCase(column)) {
                return c;
            }
        }
        return null;
    }
}
