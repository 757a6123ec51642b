package io.rulecast.job.rules;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * How the rules are read: one {@code SELECT} over {@code routing_configs}, on a read-only
 * connection of the rules database's {@link JdbcConnectionSpec} (whose timeouts make an unreachable
 * server fail a poll instead of hanging the source), so the job's rules user needs nothing but
 * SELECT.
 */
public final class RulesDatabase {
    private RulesDatabase() {}

    static final String QUERY =
            "SELECT id, domain, event_type, rule_name, language, script, config_json, enabled,"
                    + " priority, update_time, candidate_language, candidate_script,"
                    + " candidate_config_json, rollout_mode, rollout_percent"
                    + " FROM routing_configs ORDER BY id";

    /** The server-side bound of one read of the table. */
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    /** A read-only connection to the rules database. */
    public static Connection connect(JdbcConnectionSpec database) throws SQLException {
        Connection c = database.open();
        try {
            c.setReadOnly(true);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Every row of {@code routing_configs}, ordered by id. */
    public static List<RoutingRow> readAll(Connection connection) throws SQLException {
        List<RoutingRow> rows = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(QUERY)) {
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Timestamp updated = rs.getTimestamp("update_time");
                    rows.add(
                            new RoutingRow(
                                    rs.getLong("id"),
                                    rs.getString("domain"),
                                    rs.getString("event_type"),
                                    rs.getString("rule_name"),
                                    rs.getString("language"),
                                    rs.getString("script"),
                                    rs.getString("config_json"),
                                    rs.getBoolean("enabled"),
                                    rs.getInt("priority"),
                                    updated == null ? 0 : updated.getTime(),
                                    rs.getString("candidate_language"),
                                    rs.getString("candidate_script"),
                                    rs.getString("candidate_config_json"),
                                    rs.getString("rollout_mode"),
                                    percent(rs.getBigDecimal("rollout_percent"))));
                }
            }
        }
        if (!connection.getAutoCommit()) {
            // A later poll must see rows committed after this one (REPEATABLE READ would not).
            connection.commit();
        }
        return rows;
    }

    private static Double percent(java.math.BigDecimal p) {
        return p == null ? null : p.doubleValue();
    }
}
