package io.rulecast.job.sink;

import io.rulecast.event.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The SQL the wide-table sink runs. Identifiers are back-quoted (they come from {@code
 * information_schema} anyway, see {@link TableCatalog}); values are always bound parameters.
 */
final class UpsertSql {
    private UpsertSql() {}

    /** {@code `name`}, with back-quotes inside the name doubled as MySQL requires. */
    static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /**
     * {@code INSERT INTO `t` (`a`,`id`) VALUES (?,?) ON DUPLICATE KEY UPDATE `a`=VALUES(`a`)}: the
     * row's columns only, so columns it does not name keep their values, and primary-key columns
     * are never updated.
     *
     * <p>{@code VALUES(col)} in this clause is deprecated since MySQL 8.0.20 in favour of a row
     * alias ({@code VALUES (...) AS new ... UPDATE a = new.a}), but MySQL 8 and 9 still accept it
     * and MariaDB does not understand the alias form: {@code VALUES()} works on both.
     *
     * <p>A row of primary-key columns only gets a no-op update ({@code `id`=`id`}) rather than
     * {@code INSERT IGNORE}, which would also turn data errors (a value too long, a bad date) into
     * warnings and silently store something else.
     */
    static String upsert(String table, List<String> columns, List<String> primaryKey) {
        StringBuilder sb = new StringBuilder(64 + 24 * columns.size());
        sb.append("INSERT INTO ").append(quote(table)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(columns.get(i)));
        }
        sb.append(") VALUES (");
        for (int i = 0; i < columns.size(); i++) {
            sb.append(i == 0 ? "?" : ",?");
        }
        sb.append(") ON DUPLICATE KEY UPDATE ");
        boolean first = true;
        for (String c : columns) {
            if (!primaryKey.contains(c)) {
                sb.append(first ? "" : ",")
                        .append(quote(c))
                        .append("=VALUES(")
                        .append(quote(c))
                        .append(')');
                first = false;
            }
        }
        if (first) {
            String k = quote(primaryKey.get(0));
            sb.append(k).append('=').append(k);
        }
        return sb.toString();
    }

    /** {@code DELETE FROM `t` WHERE `k1`=? AND `k2`=?}. */
    static String delete(String table, List<String> keyColumns) {
        StringBuilder sb = new StringBuilder(48 + 16 * keyColumns.size());
        sb.append("DELETE FROM ").append(quote(table)).append(" WHERE ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sb.append(i == 0 ? "" : " AND ").append(quote(keyColumns.get(i))).append("=?");
        }
        return sb.toString();
    }

    /**
     * The value bound for a column: maps and lists as JSON text (for JSON or text columns), big
     * integers as decimals (which every driver binds), everything else as it is.
     */
    static Object toJdbc(Object value) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return Json.write(value);
        }
        if (value instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        return value;
    }
}
