package io.rulecast.job.dims;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.job.sink.TableSchema;
import io.rulecast.routing.KeyPath;
import io.rulecast.runtime.DependencyUnavailableException;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.PlainData;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ctx.dim(name, key)}: reads a row of a configured dimension table by key, through a
 * Caffeine cache per dimension (entries expire {@code ttl} after they were read; at most {@code
 * maxEntries}). Keys that have no row are cached too, so a hot unknown key costs no query until its
 * entry expires.
 *
 * <p>Rows come back as read-only maps of plain data: DATETIME/TIMESTAMP as ISO-8601 local
 * date-times ({@code 2024-05-01T08:30:00}), DATE and TIME as ISO-8601, DECIMAL as BigDecimal,
 * TINYINT(1)/BIT(1) as Boolean, integers and doubles as they are, anything else as text.
 *
 * <p>Keys match the way a script expects rather than the way JDBC binds: {@code 42} finds the row
 * whose VARCHAR key is {@code '42'}, and {@code "42"} the row whose INT key is 42 (a string that is
 * not a number finds nothing in a numeric column, where MySQL would have matched its numeric
 * prefix).
 *
 * <p>Thread-safe: cache hits never lock; queries share one connection, one at a time. A failing
 * query is counted and retried once on a new connection. If the database cannot be reached (or does
 * not answer in time) it is reported as a {@link DependencyUnavailableException}: the invocation
 * ends {@code DEPENDENCY_UNAVAILABLE} and the job waits for the database ({@code
 * dims.outage.max-wait}), blaming neither the rule nor the event. Any other refusal (a dropped
 * table, a data error) is an {@link IllegalStateException}: the invocation fails and the event goes
 * to the dead-letter topic. The connection's connect and socket timeouts ({@code jdbc.*.timeout})
 * and a query timeout keep a dead database from blocking a task for long.
 */
public final class JdbcDimensionLookup implements DimensionLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcDimensionLookup.class);
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    private final JdbcConnectionSpec connectionSpec;
    private final Map<String, Dimension> dims = new LinkedHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder preloaded = new LongAdder();

    // Guarded by this.
    private Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    /** A configured dimension and its cache; the key column's type is read on first use. */
    private static final class Dimension {
        final DimensionSpec spec;
        final Cache<String, Optional<Map<String, Object>>> cache;
        final String sql;
        volatile Boolean numericKey;

        Dimension(DimensionSpec spec) {
            this.spec = spec;
            this.cache =
                    Caffeine.newBuilder()
                            .expireAfterWrite(spec.ttl())
                            .maximumSize(spec.maxEntries())
                            .build();
            this.sql =
                    "SELECT * FROM "
                            + quote(spec.table())
                            + " WHERE "
                            + quote(spec.keyColumn())
                            + " = ? LIMIT 1";
        }
    }

    public JdbcDimensionLookup(JdbcConnectionSpec connection, Collection<DimensionSpec> dims) {
        this.connectionSpec = connection;
        for (DimensionSpec d : dims) {
            if (this.dims.put(d.name(), new Dimension(d)) != null) {
                throw new IllegalArgumentException(
                        "dimension '" + d.name() + "' is configured twice");
            }
        }
    }

    /**
     * Checks now that every dimension's table and key column exist (call at start-up to fail fast).
     *
     * @throws IllegalStateException naming the option to fix
     */
    public JdbcDimensionLookup validate() {
        for (Dimension d : dims.values()) {
            numericKey(d);
        }
        return this;
    }

    /** A cache hit (or a null key) without waiting; else {@link #NOT_IN_MEMORY}. */
    @Override
    public Map<String, Object> lookupInMemory(String dimName, Object key) {
        Dimension d = dimension(dimName);
        if (key == null) {
            return null;
        }
        Optional<Map<String, Object>> cached = d.cache.getIfPresent(cacheKey(key));
        if (cached != null) {
            hits.increment();
            return cached.orElse(null);
        }
        return NOT_IN_MEMORY;
    }

    @Override
    public Map<String, Object> lookup(String dimName, Object key) {
        Map<String, Object> inMemory = lookupInMemory(dimName, key);
        if (inMemory != NOT_IN_MEMORY) {
            return inMemory;
        }
        Dimension d = dims.get(dimName);
        boolean numeric = numericKey(d);
        String cacheKey = cacheKey(key);
        misses.increment();
        BigDecimal number = null;
        if (numeric) {
            try {
                number = new BigDecimal(cacheKey);
            } catch (NumberFormatException e) {
                d.cache.put(cacheKey, Optional.empty());
                return null;
            }
        }
        Map<String, Object> row = query(d, cacheKey, number);
        d.cache.put(cacheKey, Optional.ofNullable(row));
        return row;
    }

    private Dimension dimension(String dimName) {
        Dimension d = dims.get(dimName);
        if (d == null) {
            throw new IllegalArgumentException(
                    "no dimension '"
                            + dimName
                            + "' is configured: add dims."
                            + dimName
                            + ".table and dims."
                            + dimName
                            + ".key-column");
        }
        return d;
    }

    /**
     * Reads each dimension configured with {@code preload} into its cache now, in one streamed
     * {@code SELECT} per table (at most {@code max-entries} rows; if the table has more, the first
     * {@code max-entries} are loaded and a warning names {@code dims.<name>.max-entries}). Rows are
     * converted as a lookup converts them and cached under the key text a lookup of the same value
     * would use, so a lookup of a loaded key is a cache hit; a key that was not loaded (absent, or
     * spelled differently such as {@code "7.0"} for 7, or a row beyond max-entries) is read on a
     * miss as before, and cached negative if there is no row. Loaded rows expire after {@code ttl}
     * like any other and are then read again one by one. Rows whose key is a floating-point number
     * are left to a lookup (a DOUBLE key compares approximately in MySQL), as are rows with a NULL
     * key.
     *
     * <p>A database that cannot be read now is logged and otherwise ignored: the dimension is then
     * read on a miss, as without preload (the job starts as it would have).
     *
     * @return this
     */
    public JdbcDimensionLookup preload() {
        for (Dimension d : dims.values()) {
            if (!d.spec.preload()) {
                continue;
            }
            long started = System.nanoTime();
            try {
                boolean numeric = numericKey(d);
                long loaded = load(d, numeric);
                preloaded.add(loaded);
                LOG.info(
                        "dimension '{}': preloaded {} rows of table {} in {} ms",
                        d.spec.name(),
                        loaded,
                        d.spec.table(),
                        (System.nanoTime() - started) / 1_000_000);
            } catch (SQLException | RuntimeException e) {
                errors.increment();
                LOG.warn(
                        "dimension '{}': cannot preload table {}, rows will be read on a miss: {}",
                        d.spec.name(),
                        d.spec.table(),
                        e.getMessage());
            }
        }
        return this;
    }

    private synchronized long load(Dimension d, boolean numeric) throws SQLException {
        long max = d.spec.maxEntries();
        String sql = "SELECT * FROM " + quote(d.spec.table()) + " LIMIT " + (max + 1);
        long loaded = 0;
        boolean more = false;
        try {
            try (Statement st =
                    connection()
                            .createStatement(
                                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                // Connector/J streams a result set row by row with this fetch size, rather than
                // holding the whole table in memory.
                st.setFetchSize(Integer.MIN_VALUE);
                try (ResultSet rs = st.executeQuery(sql)) {
                    ResultSetMetaData md = rs.getMetaData();
                    int keyIndex = 0;
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        if (md.getColumnName(i).equalsIgnoreCase(d.spec.keyColumn())) {
                            keyIndex = i;
                            break;
                        }
                    }
                    if (keyIndex == 0) {
                        throw new IllegalStateException(
                                "dims."
                                        + d.spec.name()
                                        + ".key-column: table '"
                                        + d.spec.table()
                                        + "' has no column '"
                                        + d.spec.keyColumn()
                                        + "'");
                    }
                    if (!numeric && !textual(md.getColumnType(keyIndex))) {
                        LOG.warn(
                                "dimension '{}': preload reads tables keyed by a number or text"
                                        + " column; {}.{} is neither, its rows are read on a miss",
                                d.spec.name(),
                                d.spec.table(),
                                d.spec.keyColumn());
                        return 0;
                    }
                    String keyLabel = md.getColumnLabel(keyIndex);
                    while (rs.next()) {
                        if (loaded == max) {
                            more = true;
                            break;
                        }
                        Map<String, Object> row = row(rs);
                        Object key = row.get(keyLabel);
                        if (key == null
                                || key instanceof Double
                                || (numeric
                                        ? !(key instanceof Number)
                                        : !(key instanceof String))) {
                            continue; // left to a lookup (see preload())
                        }
                        String cacheKey = cacheKey(key);
                        // The first row of a key, as a lookup's LIMIT 1 keeps one.
                        if (d.cache
                                        .asMap()
                                        .putIfAbsent(cacheKey, Optional.of(PlainData.readOnly(row)))
                                == null) {
                            loaded++;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
        if (more) {
            LOG.warn(
                    "dimension '{}': table {} has more than dims.{}.max-entries = {} rows; preloaded"
                            + " the first {}, the rest are read on a miss",
                    d.spec.name(),
                    d.spec.table(),
                    d.spec.name(),
                    max,
                    max);
        }
        return loaded;
    }

    private static boolean textual(int sqlType) {
        return switch (sqlType) {
            case Types.CHAR,
                    Types.VARCHAR,
                    Types.LONGVARCHAR,
                    Types.NCHAR,
                    Types.NVARCHAR,
                    Types.LONGNVARCHAR ->
                    true;
            default -> false;
        };
    }

    /** Rows read into the caches by {@link #preload()}. */
    public long preloaded() {
        return preloaded.sum();
    }

    /** Lookups answered from the cache (rows and known-absent keys alike). */
    public long hits() {
        return hits.sum();
    }

    /** Lookups that went to the database. */
    public long misses() {
        return misses.sum();
    }

    /** Failed queries (each attempt; a lookup that succeeded on the retry counts one). */
    public long errors() {
        return errors.sum();
    }

    private synchronized Map<String, Object> query(Dimension d, String key, BigDecimal number) {
        try {
            return run(d, key, number);
        } catch (SQLException first) {
            errors.increment();
            if (connection != null) {
                LOG.warn(
                        "dimension '{}': query failed, reconnecting once: {}",
                        d.spec.name(),
                        first.getMessage());
            } else {
                // No connection to lose: the database was already away (the routing function
                // logs the outage once, not at every retry).
                LOG.debug("dimension '{}': cannot connect: {}", d.spec.name(), first.getMessage());
            }
            closeConnection();
            try {
                return run(d, key, number);
            } catch (SQLException second) {
                errors.increment();
                closeConnection();
                String message =
                        "dimension '"
                                + d.spec.name()
                                + "': reading table "
                                + d.spec.table()
                                + " failed: "
                                + second.getMessage();
                throw unreachable(second)
                        ? new DependencyUnavailableException(message, second)
                        : new IllegalStateException(message, second);
            }
        }
    }

    private Map<String, Object> run(Dimension d, String key, BigDecimal number)
            throws SQLException {
        PreparedStatement st = statement(d);
        if (number != null) {
            st.setBigDecimal(1, number);
        } else {
            st.setString(1, key);
        }
        try (ResultSet rs = st.executeQuery()) {
            return rs.next() ? PlainData.readOnly(row(rs)) : null;
        }
    }

    private PreparedStatement statement(Dimension d) throws SQLException {
        PreparedStatement st = statements.get(d.spec.name());
        if (st == null) {
            st = connection().prepareStatement(d.sql);
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statements.put(d.spec.name(), st);
        }
        return st;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = connectionSpec.open();
            connection.setReadOnly(true);
        }
        return connection;
    }

    private boolean numericKey(Dimension d) {
        Boolean numeric = d.numericKey;
        if (numeric == null) {
            numeric = readKeyType(d);
            d.numericKey = numeric;
        }
        return numeric;
    }

    private synchronized boolean readKeyType(Dimension d) {
        DimensionSpec s = d.spec;
        TableSchema schema;
        try {
            Connection c = connection();
            schema = TableCatalog.readSchema(c, s.table());
        } catch (SQLException e) {
            errors.increment();
            closeConnection();
            String message =
                    "dimension '"
                            + s.name()
                            + "': cannot read the columns of table "
                            + s.table()
                            + ": "
                            + e.getMessage();
            throw unreachable(e)
                    ? new DependencyUnavailableException(message, e)
                    : new IllegalStateException(message, e);
        }
        if (schema == null) {
            throw new IllegalStateException(
                    "dims." + s.name() + ".table: table '" + s.table() + "' does not exist");
        }
        if (!schema.hasColumn(s.keyColumn())) {
            throw new IllegalStateException(
                    "dims."
                            + s.name()
                            + ".key-column: table '"
                            + s.table()
                            + "' has no column '"
                            + s.keyColumn()
                            + "'");
        }
        return schema.isNumeric(s.keyColumn());
    }

    /**
     * Whether {@code e} says the database cannot be reached or did not answer in time (a refused or
     * cut connection, a read or query timeout, a server shutting down), rather than that it refused
     * this query (a missing table, a data error). The first is an outage the job waits out; the
     * second fails the invocation as before, since retrying would never end.
     */
    static boolean unreachable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof java.io.IOException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                // 08: connection exception; 70100/HY008: query interrupted or timed out;
                // 1053/1927/2006/2013: server shutdown, connection killed, gone away, lost.
                int code = sql.getErrorCode();
                if (state != null && (state.startsWith("08") || state.equals("70100"))
                        || "HY008".equals(state)
                        || code == 1053
                        || code == 1927
                        || code == 2006
                        || code == 2013) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Numbers the way MySQL compares them (1, 1L, 1.0 and "1" are one key), text as it is: the
     * routing core's one key function, so a cached key is the text a state key would be.
     */
    static String cacheKey(Object key) {
        return KeyPath.text(key);
    }

    private static Map<String, Object> row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        Map<String, Object> row = new LinkedHashMap<>(n * 4 / 3 + 1);
        for (int i = 1; i <= n; i++) {
            row.put(md.getColumnLabel(i), value(rs, i, md));
        }
        return row;
    }

    static Object value(ResultSet rs, int i, ResultSetMetaData md) throws SQLException {
        switch (md.getColumnType(i)) {
            case Types.BIT, Types.BOOLEAN -> {
                if (md.getPrecision(i) <= 1) {
                    boolean b = rs.getBoolean(i);
                    return rs.wasNull() ? null : b;
                }
                long bits = rs.getLong(i);
                return rs.wasNull() ? null : bits;
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                LocalDateTime t = rs.getObject(i, LocalDateTime.class);
                return t == null ? null : t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            }
            case Types.DATE -> {
                LocalDate t = rs.getObject(i, LocalDate.class);
                return t == null ? null : t.toString();
            }
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> {
                LocalTime t = rs.getObject(i, LocalTime.class);
                return t == null ? null : t.format(DateTimeFormatter.ISO_LOCAL_TIME);
            }
            case Types.DECIMAL, Types.NUMERIC -> {
                return rs.getBigDecimal(i);
            }
            default -> {
                return plain(rs.getObject(i));
            }
        }
    }

    private static Object plain(Object o) {
        if (o == null
                || o instanceof String
                || o instanceof Integer
                || o instanceof Long
                || o instanceof Double
                || o instanceof Boolean
                || o instanceof BigDecimal
                || o instanceof BigInteger) {
            return o;
        }
        if (o instanceof Short || o instanceof Byte) {
            return ((Number) o).intValue();
        }
        if (o instanceof Float f) {
            return Double.parseDouble(f.toString()); // 0.1f as 0.1, not 0.10000000149011612
        }
        if (o instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return o.toString();
    }

    static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    private void closeConnection() {
        statements.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a broken connection failed", e);
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }
}
