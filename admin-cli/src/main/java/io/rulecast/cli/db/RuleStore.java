package io.rulecast.cli.db;

import io.rulecast.runtime.RuleId;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes {@code routing_configs} and reads {@code routing_config_history}. It never
 * writes history: the database's triggers do, so changes by raw SQL are recorded the same way.
 * Every SQL failure leaves as a {@link io.rulecast.cli.CliException} explained by {@link Database}.
 */
public final class RuleStore implements AutoCloseable {
    private static final String RULE_COLUMNS =
            "id, domain, event_type, rule_name, language, script, config_json, enabled, priority,"
                    + " create_time, update_time, candidate_language, candidate_script,"
                    + " candidate_config_json, rollout_mode, rollout_percent, rollout_base_version,"
                    + " rollout_started_at";
    private static final String HISTORY_COLUMNS =
            "id, config_id, operation, changed_at, changed_by, version_hash, domain, event_type,"
                    + " rule_name, language, script, config_json, enabled, priority, rollout_mode,"
                    + " rollout_percent, candidate_version_hash";

    private final Database db;
    private final Connection conn;

    private RuleStore(Database db, Connection conn) {
        this.db = db;
        this.conn = conn;
    }

    public static RuleStore open(Database db) {
        return new RuleStore(db, db.connect());
    }

    public Database database() {
        return db;
    }

    /** Work that runs inside one transaction. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of it is committed, or none of it. */
    public <T> T inTransaction(Work<T> work) {
        try {
            conn.setAutoCommit(false);
            try {
                T result = work.run();
                conn.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw db.explain(e);
        }
    }

    private <T> T query(Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw db.explain(e);
        }
    }

    public Optional<RuleRow> find(RuleId id) {
        return query(() -> find(id, false));
    }

    /** The row, locked until the transaction ends when {@code forUpdate}. */
    public Optional<RuleRow> find(RuleId id, boolean forUpdate) throws SQLException {
        String sql =
                "SELECT "
                        + RULE_COLUMNS
                        + " FROM routing_configs WHERE domain = ? AND event_type = ? AND rule_name = ?"
                        + (forUpdate ? " FOR UPDATE" : "");
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, id.domain());
            ps.setString(2, id.eventType());
            ps.setString(3, id.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rule(rs)) : Optional.empty();
            }
        }
    }

    /** Rules of one domain (or all when null), by domain, event type, priority (high first). */
    public List<RuleRow> list(String domain) {
        return query(
                () -> {
                    String sql =
                            "SELECT "
                                    + RULE_COLUMNS
                                    + " FROM routing_configs"
                                    + (domain == null ? "" : " WHERE domain = ?")
                                    + " ORDER BY domain, event_type, priority DESC, rule_name";
                    try (PreparedStatement ps = conn.prepareStatement(sql)) {
                        if (domain != null) {
                            ps.setString(1, domain);
                        }
                        return rules(ps);
                    }
                });
    }

    /** Every rule with {@code enabled = 1}: what the job runs. */
    public List<RuleRow> enabled() {
        return query(
                () -> {
                    try (PreparedStatement ps =
                            conn.prepareStatement(
                                    "SELECT "
                                            + RULE_COLUMNS
                                            + " FROM routing_configs WHERE enabled = 1"
                                            + " ORDER BY domain, event_type, priority DESC, rule_name")) {
                        return rules(ps);
                    }
                });
    }

    /** Inserts a new row; returns its id. */
    public long insert(
            RuleId id,
            String language,
            String script,
            String configJson,
            boolean enabled,
            int priority)
            throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "INSERT INTO routing_configs (domain, event_type, rule_name, language,"
                                + " script, config_json, enabled, priority)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, id.domain());
            ps.setString(2, id.eventType());
            ps.setString(3, id.name());
            ps.setString(4, language);
            ps.setString(5, script);
            setNullable(ps, 6, configJson);
            ps.setBoolean(7, enabled);
            ps.setInt(8, priority);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Replaces what a row runs and how. */
    public void update(
            long rowId,
            String language,
            String script,
            String configJson,
            boolean enabled,
            int priority)
            throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "UPDATE routing_configs SET language = ?, script = ?, config_json = ?,"
                                + " enabled = ?, priority = ? WHERE id = ?")) {
            ps.setString(1, language);
            ps.setString(2, script);
            setNullable(ps, 3, configJson);
            ps.setBoolean(4, enabled);
            ps.setInt(5, priority);
            ps.setLong(6, rowId);
            ps.executeUpdate();
        }
    }

    /**
     * Starts a rollout of a candidate beside the live version, or changes the running one. The
     * database's trigger records the live version it started from.
     *
     * @param percent the canary's percent of state keys; null for a shadow
     */
    public void startRollout(
            long rowId,
            String language,
            String script,
            String configJson,
            String mode,
            BigDecimal percent)
            throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "UPDATE routing_configs SET candidate_language = ?, candidate_script = ?,"
                                + " candidate_config_json = ?, rollout_mode = ?, rollout_percent = ?"
                                + " WHERE id = ?")) {
            ps.setString(1, language);
            ps.setString(2, script);
            setNullable(ps, 3, configJson);
            ps.setString(4, mode);
            ps.setBigDecimal(5, percent);
            ps.setLong(6, rowId);
            ps.executeUpdate();
        }
    }

    /**
     * Ends a rollout: with {@code promote} the candidate becomes the live version first (one
     * statement: MySQL and MariaDB assign left to right), else it is dropped.
     */
    public void endRollout(long rowId, boolean promote) throws SQLException {
        String clear =
                "rollout_mode = NULL, rollout_percent = NULL, candidate_language = NULL,"
                        + " candidate_script = NULL, candidate_config_json = NULL";
        String sql =
                promote
                        ? "UPDATE routing_configs SET language = candidate_language, script ="
                                + " candidate_script, config_json = candidate_config_json, "
                                + clear
                                + " WHERE id = ?"
                        : "UPDATE routing_configs SET " + clear + " WHERE id = ?";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setLong(1, rowId);
            ps.executeUpdate();
        }
    }

    public void setEnabled(long rowId, boolean enabled) throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement("UPDATE routing_configs SET enabled = ? WHERE id = ?")) {
            ps.setBoolean(1, enabled);
            ps.setLong(2, rowId);
            ps.executeUpdate();
        }
    }

    /**
     * The recorded changes of one rule, oldest first — also those of rows of the same name that
     * were deleted and created again.
     */
    public List<HistoryEntry> history(RuleId id) {
        return query(
                () -> {
                    try (PreparedStatement ps =
                            conn.prepareStatement(
                                    "SELECT "
                                            + HISTORY_COLUMNS
                                            + " FROM routing_config_history"
                                            + " WHERE domain = ? AND event_type = ? AND rule_name = ?"
                                            + " ORDER BY id")) {
                        ps.setString(1, id.domain());
                        ps.setString(2, id.eventType());
                        ps.setString(3, id.name());
                        List<HistoryEntry> out = new ArrayList<>();
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.add(history(rs));
                            }
                        }
                        return out;
                    }
                });
    }

    private List<RuleRow> rules(PreparedStatement ps) throws SQLException {
        List<RuleRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rule(rs));
            }
        }
        return out;
    }

    private static RuleRow rule(ResultSet rs) throws SQLException {
        return new RuleRow(
                rs.getLong("id"),
                new RuleId(
                        rs.getString("domain"),
                        rs.getString("event_type"),
                        rs.getString("rule_name")),
                rs.getString("language"),
                rs.getString("script"),
                rs.getString("config_json"),
                rs.getBoolean("enabled"),
                rs.getInt("priority"),
                instant(rs.getTimestamp("create_time")),
                instant(rs.getTimestamp("update_time")),
                rollout(rs));
    }

    private static Rollout rollout(ResultSet rs) throws SQLException {
        String mode = rs.getString("rollout_mode");
        if (mode == null) {
            return null;
        }
        return new Rollout(
                mode,
                rs.getBigDecimal("rollout_percent"),
                rs.getString("candidate_language"),
                rs.getString("candidate_script"),
                rs.getString("candidate_config_json"),
                rs.getString("rollout_base_version"),
                instant(rs.getTimestamp("rollout_started_at")));
    }

    private static HistoryEntry history(ResultSet rs) throws SQLException {
        return new HistoryEntry(
                rs.getLong("id"),
                rs.getLong("config_id"),
                rs.getString("operation"),
                instant(rs.getTimestamp("changed_at")),
                rs.getString("changed_by"),
                rs.getString("version_hash"),
                new RuleId(
                        rs.getString("domain"),
                        rs.getString("event_type"),
                        rs.getString("rule_name")),
                rs.getString("language"),
                rs.getString("script"),
                rs.getString("config_json"),
                rs.getBoolean("enabled"),
                rs.getInt("priority"),
                rs.getString("rollout_mode"),
                rs.getBigDecimal("rollout_percent"),
                rs.getString("candidate_version_hash"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static void setNullable(PreparedStatement ps, int i, String value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, value);
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // nothing left to do with a connection that fails to close
        }
    }
}
