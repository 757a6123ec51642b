package io.rulecast.job.sink;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link UpsertPlan} on one connection, in one transaction per flush, retrying with
 * exponential backoff and reconnecting when the connection broke.
 *
 * <p>Statements are prepared once per connection and column set and reused across flushes, and each
 * value is bound by its column's type ({@link ColumnBinder}) rather than through {@code setObject};
 * the connection batches with {@code rewriteBatchedStatements}, so one batch of an upsert shape
 * goes to the server as multi-row {@code INSERT ... VALUES (...),(...)} statements.
 *
 * <p>Re-running a whole plan after a partial failure is safe: each row ends as the effect of the
 * writes after its last delete, whatever it was before, so the sink is idempotent (at-least-once
 * delivery plus idempotent writes).
 *
 * <p>A write the database rejects for its data or the table's shape (a value too long, a NOT NULL
 * column left null, a bad date, a column or table dropped since the check) would fail every retry
 * and every restart from the checkpoint: instead the plan is run again row by row, and the refused
 * rows are returned with the database's reason, for the sink to dead-letter; one bad row never
 * stops the job, and none disappears.
 */
final class UpsertExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpsertExecutor.class);

    /** MySQL/MariaDB errors caused by a row's values or a schema change, not by the connection. */
    private static final Set<Integer> ROW_ERRORS =
            Set.of(
                    1048, // column cannot be null
                    1054, // unknown column (dropped since the check)
                    1146, // table doesn't exist (dropped since the check)
                    1264, // out of range
                    1265, // data truncated
                    1292, // incorrect date/time value
                    1364, // field has no default value
                    1366, // incorrect integer/string value
                    1406, // data too long
                    1451, // foreign key: row is referenced
                    1452, // foreign key: parent missing
                    3140, // invalid JSON (MySQL)
                    3819, // check constraint (MySQL)
                    4025); // check constraint (MariaDB)

    private final JdbcConnectionSpec spec;
    private final int maxRetries;
    private final long backoffMs;
    private final Counter batches;
    private final Counter retries;
    private static final long ROW_BY_ROW_WARN_MILLIS = 60_000;
    private long lastRowByRowWarn = Long.MIN_VALUE / 2;
    private int rowByRowBatches;
    private final Function<String, Map<String, String>> columnTypes;
    private Connection connection;

    /**
     * Prepared statements of the open connection by SQL, reused across flushes (least recently used
     * closed beyond {@link #MAX_STATEMENTS}); closed with the connection.
     */
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true);

    /** Binders by table and column set: how each column's value is bound. */
    private final Map<List<String>, ColumnBinder[]> binders = new HashMap<>();

    static final int MAX_STATEMENTS = 64;

    /** A write the database refused, and its error. */
    record Refused(TableWrite write, SQLException error) {

        /** The table's shape changed under the write (a column or the table is gone). */
        boolean schemaChanged() {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof SQLException s && SCHEMA_ERRORS.contains(s.getErrorCode())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What one committed plan did: writes applied, and writes refused (in plan order). */
    record Result(int applied, List<Refused> refused) {}

    /** Errors that mean the table no longer has the shape the catalog knows. */
    private static final Set<Integer> SCHEMA_ERRORS = Set.of(1054, 1146);

    UpsertExecutor(
            JdbcConnectionSpec spec,
            int maxRetries,
            long backoffMs,
            Counter batches,
            Counter retries) {
        this(spec, maxRetries, backoffMs, batches, retries, table -> Map.of());
    }

    /**
     * @param columnTypes table → column → {@code information_schema} data type (see {@link
     *     TableSchema#columnTypes}), to bind each value by its column's type
     */
    UpsertExecutor(
            JdbcConnectionSpec spec,
            int maxRetries,
            long backoffMs,
            Counter batches,
            Counter retries,
            Function<String, Map<String, String>> columnTypes) {
        this.columnTypes = columnTypes;
        this.spec = spec;
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.batches = batches;
        this.retries = retries;
    }

    /**
     * Runs the plan and commits; returns what was applied and what the database refused. Only the
     * refusals of the attempt that committed are returned, so a retried plan reports each once.
     *
     * @throws IOException after {@code maxRetries} failed retries: the task fails and Flink
     *     restarts it from the last checkpoint
     */
    Result execute(List<UpsertPlan.Batch> plan) throws IOException, InterruptedException {
        int total = plan.stream().mapToInt(b -> b.writes().size()).sum();
        for (int attempt = 0; ; attempt++) {
            try {
                try {
                    return run(plan, false);
                } catch (SQLException e) {
                    if (!isRowError(e)) {
                        throw e;
                    }
                    rollbackQuietly();
                    warnRowByRow(plan, e);
                    return run(plan, true);
                }
            } catch (SQLException e) {
                rollbackQuietly();
                if (attempt >= maxRetries) {
                    throw new IOException(
                            "writing "
                                    + total
                                    + " rows to "
                                    + tables(plan)
                                    + " failed "
                                    + (attempt + 1)
                                    + " times, last: "
                                    + e.getMessage(),
                            e);
                }
                retries.inc();
                long sleep = Math.min(backoffMs << Math.min(attempt, 16), 30_000);
                LOG.warn(
                        "writing {} rows to {} failed (attempt {} of {}), retrying in {} ms: {}",
                        total,
                        tables(plan),
                        attempt + 1,
                        maxRetries + 1,
                        sleep,
                        e.getMessage());
                if (!isValid()) {
                    closeConnection();
                }
                Thread.sleep(sleep);
            }
        }
    }

    /**
     * Says that a batch goes row by row — at most once a minute, with the number of such batches
     * since the last line: under steady refusals every batch does, and each refused row reaches the
     * dead-letter topic anyway.
     */
    private void warnRowByRow(List<UpsertPlan.Batch> plan, SQLException e) {
        long now = System.currentTimeMillis();
        rowByRowBatches++;
        if (now - lastRowByRowWarn < ROW_BY_ROW_WARN_MILLIS) {
            return;
        }
        LOG.warn(
                "a batch of {} was refused for its data ({}); writing it row by row ({} such"
                        + " batches since the last line; at most one line a minute)",
                tables(plan),
                e.getMessage(),
                rowByRowBatches);
        lastRowByRowWarn = now;
        rowByRowBatches = 0;
    }

    private Result run(List<UpsertPlan.Batch> plan, boolean rowByRow) throws SQLException {
        Connection c = connection();
        int applied = 0;
        List<Refused> refused = new ArrayList<>();
        for (UpsertPlan.Batch batch : plan) {
            PreparedStatement st = statement(c, batch.sql());
            ColumnBinder[] binder = binder(batch);
            try {
                if (!rowByRow) {
                    for (TableWrite w : batch.writes()) {
                        bind(st, binder, batch.parameters(w));
                        st.addBatch();
                    }
                    st.executeBatch();
                    batches.inc();
                    applied += batch.writes().size();
                    continue;
                }
                for (TableWrite w : batch.writes()) {
                    bind(st, binder, batch.parameters(w));
                    try {
                        st.executeUpdate();
                        applied++;
                    } catch (SQLException e) {
                        if (!isRowError(e)) {
                            throw e;
                        }
                        // InnoDB rolls back just this statement; the transaction goes on.
                        refused.add(new Refused(w, e));
                    }
                }
            } finally {
                st.clearBatch();
            }
        }
        c.commit();
        return new Result(applied, refused);
    }

    private static void bind(PreparedStatement st, ColumnBinder[] binder, Object[] values)
            throws SQLException {
        for (int i = 0; i < values.length; i++) {
            binder[i].bind(st, i + 1, values[i]);
        }
    }

    /** The statement for {@code sql} on {@code c}, prepared once per connection. */
    private PreparedStatement statement(Connection c, String sql) throws SQLException {
        PreparedStatement st = statements.get(sql);
        if (st == null) {
            st = c.prepareStatement(sql);
            statements.put(sql, st);
            if (statements.size() > MAX_STATEMENTS) {
                Iterator<PreparedStatement> eldest = statements.values().iterator();
                closeQuietly(eldest.next());
                eldest.remove();
            }
        }
        return st;
    }

    private ColumnBinder[] binder(UpsertPlan.Batch batch) {
        List<String> key = new ArrayList<>(batch.columns().size() + 1);
        key.add(batch.table());
        key.addAll(batch.columns());
        ColumnBinder[] b = binders.get(key);
        if (b == null) {
            Map<String, String> types = columnTypes.apply(batch.table());
            b = new ColumnBinder[batch.columns().size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = ColumnBinder.of(types == null ? null : types.get(batch.columns().get(i)));
            }
            binders.put(key, b);
        }
        return b;
    }

    static boolean isRowError(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && !(s instanceof BatchUpdateException)) {
                if (s instanceof SQLDataException
                        || s instanceof SQLIntegrityConstraintViolationException
                        || ROW_ERRORS.contains(s.getErrorCode())) {
                    return true;
                }
                String state = s.getSQLState();
                if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                    return true;
                }
            }
        }
        return e instanceof BatchUpdateException b && ROW_ERRORS.contains(b.getErrorCode());
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = spec.open();
            try {
                c.setAutoCommit(false);
                // READ COMMITTED takes no gap locks, so writers upserting neighbouring keys of
                // one table do not deadlock each other.
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private boolean isValid() {
        try {
            return connection != null && connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void rollbackQuietly() {
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                closeConnection(); // a connection that cannot roll back is not reused
            }
        }
    }

    private void closeConnection() {
        statements.values().forEach(UpsertExecutor::closeQuietly);
        statements.clear();
        binders.clear(); // the next connection may see a changed table
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a broken connection failed", e);
            }
            connection = null;
        }
    }

    private static void closeQuietly(PreparedStatement st) {
        try {
            st.close();
        } catch (SQLException e) {
            LOG.debug("closing a statement failed", e);
        }
    }

    private static String tables(List<UpsertPlan.Batch> plan) {
        Set<String> t = new TreeSet<>();
        plan.forEach(b -> t.add(b.table()));
        return String.join(", ", t);
    }

    @Override
    public void close() {
        closeConnection();
    }
}
