package io.rulecast.job.sink;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writable tables: those on the allow-list ({@code sink.tables.allowed}), with their columns
 * and primary keys read from {@code information_schema} of the connection's database.
 *
 * <p>{@link #check} decides whether a {@link TableWrite} may be executed: the routing function
 * calls it before emitting (a bad write goes to the dead-letter topic), the sink again before
 * executing. Because every identifier the sink puts into SQL is one this catalog read from {@code
 * information_schema}, and every value is a bound parameter, a script can never inject SQL.
 *
 * <p>Schemas are cached and travel with the catalog when it is serialized (load them at start-up
 * with {@link #loadAll()}). A write the cached schema refuses (an unknown column or table) reloads
 * that table's schema at once — at most once per {@link #RELOAD_INTERVAL_MS}, so that a rule
 * writing a column that does not exist costs one query a second, not one per event — so a column
 * added by a migration is writable by the next write; {@link #refresh(String)} forgets a schema the
 * database has shown to be stale (a column or table dropped). Thread-safe.
 */
public final class TableCatalog implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TableCatalog.class);

    /** Minimum time between two reloads of one table's schema caused by a failing check. */
    static final long RELOAD_INTERVAL_MS = 1_000;

    private static final String COLUMNS_SQL =
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
    private static final String PRIMARY_KEY_SQL =
            "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                    + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
                    + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION";

    /** A cached schema; {@code schema == null} means the table does not exist. */
    private record Entry(TableSchema schema, String database, long loadedAt)
            implements Serializable {}

    private final JdbcConnectionSpec connection;
    private final Set<String> allowedTables;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    /**
     * @param connection the sink database (its URL names the database whose tables are written)
     * @param allowedTables the exact table names scripts may write
     */
    public TableCatalog(JdbcConnectionSpec connection, Set<String> allowedTables) {
        this.connection = connection;
        this.allowedTables = Collections.unmodifiableSet(new TreeSet<>(allowedTables));
    }

    /** A catalog that knows only the given schemas and never connects (for tests). */
    static TableCatalog of(Set<String> allowedTables, List<TableSchema> schemas) {
        TableCatalog catalog = new TableCatalog(null, allowedTables);
        for (TableSchema s : schemas) {
            catalog.cache.put(s.table(), new Entry(s, s.database(), Long.MAX_VALUE / 2));
        }
        return catalog;
    }

    public Set<String> allowedTables() {
        return allowedTables;
    }

    public boolean isAllowed(String table) {
        return allowedTables.contains(table);
    }

    /** Reads the schema of every allowed table now (fail fast at start-up; fills the cache). */
    public TableCatalog loadAll() {
        for (String table : allowedTables) {
            entry(table);
        }
        return this;
    }

    /** Forgets every cached schema; the next use reads them again. */
    public void refresh() {
        cache.clear();
    }

    /** Forgets one table's cached schema. */
    public void refresh(String table) {
        cache.remove(table);
    }

    /**
     * The schema of an allowed table, or null if it does not exist.
     *
     * @throws IllegalArgumentException if the table is not on the allow-list
     * @throws IllegalStateException if the database cannot be read
     */
    public TableSchema schema(String table) {
        if (!isAllowed(table)) {
            throw new IllegalArgumentException(notWritable(table));
        }
        return entry(table).schema();
    }

    /**
     * The primary-key columns of an allowed table, in key order.
     *
     * @throws IllegalArgumentException if the table is not allowed, does not exist, or has no
     *     primary key
     */
    public List<String> primaryKey(String table) {
        TableSchema s = schema(table);
        if (s == null) {
            throw new IllegalArgumentException(missing(table, entry(table).database()));
        }
        if (s.primaryKey().isEmpty()) {
            throw new IllegalArgumentException(noPrimaryKey(table));
        }
        return s.primaryKey();
    }

    /**
     * Checks a write against the allow-list and the table's real columns.
     *
     * @return null if the write may be executed, else a one-line reason
     * @throws IllegalStateException if the table's schema cannot be read from the database
     */
    public String check(TableWrite w) {
        return check(w, false);
    }

    /**
     * As {@link #check(TableWrite)}, but a refusal by the cached schema is always confirmed against
     * the database's current one first: for the sink, where a refusal is final (a dead letter), and
     * which sees only writes the routing function's check let through, so only after a schema
     * change.
     */
    public String checkAgainstDatabase(TableWrite w) {
        return check(w, true);
    }

    private String check(TableWrite w, boolean force) {
        if (!isAllowed(w.table())) {
            return notWritable(w.table());
        }
        Entry e = entry(w.table());
        String reason = check(w, e);
        if (reason != null && (force ? connection != null : mayReload(e))) {
            // A migration may have added the table or column since we looked.
            Entry fresh = reload(w.table(), e);
            if (fresh != e) {
                reason = check(w, fresh);
            }
        }
        return reason;
    }

    private static String check(TableWrite w, Entry e) {
        TableSchema s = e.schema();
        String table = w.table();
        if (s == null) {
            return missing(table, e.database());
        }
        if (s.primaryKey().isEmpty()) {
            return noPrimaryKey(table);
        }
        Map<String, Object> row = w.row();
        boolean upsert = w.kind() == TableWrite.Kind.UPSERT;
        if (row.isEmpty()) {
            return upsert
                    ? "upsert into " + table + " names no columns"
                    : "delete from " + table + " names no key columns";
        }
        for (String column : row.keySet()) {
            if (!s.hasColumn(column)) {
                String near = s.sameColumnIgnoringCase(column);
                return "unknown column '"
                        + column
                        + "' in "
                        + table
                        + (near == null ? "" : " (did you mean '" + near + "'?)");
            }
        }
        if (!upsert && !row.keySet().equals(Set.copyOf(s.primaryKey()))) {
            return "delete from "
                    + table
                    + " must name exactly its primary key ("
                    + String.join(", ", s.primaryKey())
                    + "), got ("
                    + String.join(", ", row.keySet())
                    + ")";
        }
        for (String k : s.primaryKey()) {
            if (!row.containsKey(k)) {
                return "upsert into " + table + " lacks primary-key column '" + k + "'";
            }
            if (row.get(k) == null) {
                return (upsert ? "upsert into " : "delete from ")
                        + table
                        + " has a null primary-key column '"
                        + k
                        + "'";
            }
        }
        return null;
    }

    private boolean mayReload(Entry e) {
        return connection != null
                && System.currentTimeMillis() - e.loadedAt() >= RELOAD_INTERVAL_MS;
    }

    private Entry entry(String table) {
        Entry e = cache.get(table);
        if (e != null) {
            return e;
        }
        if (connection == null) {
            return new Entry(null, "?", Long.MAX_VALUE / 2);
        }
        return cache.computeIfAbsent(table, this::load);
    }

    private Entry reload(String table, Entry stale) {
        try {
            Entry fresh = load(table);
            cache.put(table, fresh);
            return fresh;
        } catch (IllegalStateException ex) {
            // Keep serving the schema we have rather than failing writes while the database blips.
            LOG.warn("could not reload the schema of {}: {}", table, ex.getMessage());
            cache.put(
                    table, new Entry(stale.schema(), stale.database(), System.currentTimeMillis()));
            return stale;
        }
    }

    private Entry load(String table) {
        try (Connection c = connection.open()) {
            String database = database(c);
            TableSchema schema = read(c, database, table);
            return new Entry(schema, database, System.currentTimeMillis());
        } catch (SQLException ex) {
            throw new IllegalStateException(
                    "cannot read the columns of table '"
                            + table
                            + "' from "
                            + connection
                            + ": "
                            + ex.getMessage(),
                    ex);
        }
    }

    /** The connection's current database; fails naming the fix when the URL names none. */
    static String database(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT DATABASE()");
                ResultSet rs = st.executeQuery()) {
            String db = rs.next() ? rs.getString(1) : null;
            if (db == null) {
                throw new IllegalStateException(
                        "the JDBC URL names no database: add /<database> to it, e.g."
                                + " jdbc:mysql://host:3306/rulecast");
            }
            return db;
        }
    }

    /**
     * Reads one table of the connection's database from {@code information_schema}; null if the
     * table does not exist. Uncached: for start-up checks such as the dimension lookups'.
     */
    public static TableSchema readSchema(Connection c, String table) throws SQLException {
        return read(c, database(c), table);
    }

    /** Reads one table's schema from {@code information_schema}; null if the table is missing. */
    static TableSchema read(Connection c, String database, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement(COLUMNS_SQL)) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        List<String> pk = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(PRIMARY_KEY_SQL)) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        return new TableSchema(database, table, columns, pk);
    }

    static String notWritable(String table) {
        return "table '" + table + "' is not writable: add it to sink.tables.allowed";
    }

    static String missing(String table, String database) {
        return "table '" + table + "' does not exist in database '" + database + "'";
    }

    static String noPrimaryKey(String table) {
        return "table '" + table + "' has no primary key: the sink writes rows by primary key";
    }
}
