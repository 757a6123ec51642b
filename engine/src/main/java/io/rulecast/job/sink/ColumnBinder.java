package io.rulecast.job.sink;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;

/**
 * Binds one column's value by the column's JDBC type, with the typed setter ({@code setString},
 * {@code setLong}, ...) rather than {@code setObject}, whose per-value type dispatch in the driver
 * costs more than the bind. A value of another class than the column's (a number for a text column,
 * a string for a date) is bound exactly as {@code setObject} would, so the database converts and
 * refuses as before; a null is bound as a null of the column's type.
 */
final class ColumnBinder {
    private final int sqlType;

    private ColumnBinder(int sqlType) {
        this.sqlType = sqlType;
    }

    /**
     * @param dataType the column's {@code information_schema.COLUMNS.DATA_TYPE}, or null if not
     *     known
     */
    static ColumnBinder of(String dataType) {
        return new ColumnBinder(sqlType(dataType));
    }

    int sqlType() {
        return sqlType;
    }

    void bind(PreparedStatement st, int index, Object value) throws SQLException {
        if (value == null) {
            st.setNull(index, sqlType);
            return;
        }
        // The column's own type first: for a well-typed rule this is the one check per value.
        switch (sqlType) {
            case Types.VARCHAR:
                if (value instanceof String s) {
                    st.setString(index, s);
                    return;
                }
                break;
            case Types.BIGINT:
                if (value instanceof Integer i) {
                    st.setInt(index, i);
                    return;
                }
                if (value instanceof Long l) {
                    st.setLong(index, l);
                    return;
                }
                break;
            case Types.DOUBLE:
                if (value instanceof Double d) {
                    st.setDouble(index, d);
                    return;
                }
                break;
            case Types.DECIMAL:
                if (value instanceof BigDecimal d) {
                    st.setBigDecimal(index, d);
                    return;
                }
                break;
            default:
                break;
        }
        // Any other combination: the setter setObject itself picks for the value's class.
        if (value instanceof String s) {
            st.setString(index, s);
        } else if (value instanceof Integer i) {
            st.setInt(index, i);
        } else if (value instanceof Long l) {
            st.setLong(index, l);
        } else if (value instanceof Double d) {
            st.setDouble(index, d);
        } else if (value instanceof BigDecimal d) {
            st.setBigDecimal(index, d);
        } else if (value instanceof Boolean b) {
            st.setBoolean(index, b);
        } else {
            st.setObject(index, value);
        }
    }

    /** The JDBC type of a MySQL/MariaDB {@code DATA_TYPE}, as far as binding cares. */
    static int sqlType(String dataType) {
        if (dataType == null) {
            return Types.NULL;
        }
        switch (dataType.toLowerCase(Locale.ROOT)) {
            case "char":
            case "varchar":
            case "tinytext":
            case "text":
            case "mediumtext":
            case "longtext":
            case "json":
            case "enum":
            case "set":
                return Types.VARCHAR;
            case "tinyint":
            case "smallint":
            case "mediumint":
            case "int":
            case "integer":
            case "bigint":
            case "year":
                return Types.BIGINT;
            case "float":
            case "double":
            case "real":
                return Types.DOUBLE;
            case "decimal":
            case "numeric":
                return Types.DECIMAL;
            case "date":
                return Types.DATE;
            case "datetime":
            case "timestamp":
                return Types.TIMESTAMP;
            case "time":
                return Types.TIME;
            case "bit":
                return Types.BIT;
            case "binary":
            case "varbinary":
            case "tinyblob":
            case "blob":
            case "mediumblob":
            case "longblob":
                return Types.VARBINARY;
            default:
                return Types.NULL;
        }
    }
}
