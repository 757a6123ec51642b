package io.rulecast.job.rules;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where the rules live and how to read them: one {@code SELECT} over {@code routing_configs}, so
 * the job's rules user needs nothing but SELECT. Connects and reads with timeouts, so an
 * unreachable server fails a poll quickly instead of hanging the source.
 */
public record RulesDatabase(String url, String user, String password) implements Serializable {

    static final String QUERY =
            "SELECT id, domain, event_type, rule_name, language, script, config_json, enabled,"
                    + " priority, update_time FROM routing_configs ORDER BY id";

    private static final int TIMEOUT_SECONDS = 10;

    /** Opens a connection with connect and socket timeouts (unless the URL sets its own). */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        if (!url.contains("connectTimeout")) {
            p.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS * 1000 / 2));
        }
        if (!url.contains("socketTimeout")) {
            p.setProperty("socketTimeout", String.valueOf(TIMEOUT_SECONDS * 1000));
        }
        Connection c = DriverManager.getConnection(url, p);
        c.setReadOnly(true);
        return c;
    }

    /** Every row of {@code routing_configs}, ordered by id. */
    public static List<RoutingRow> readAll(Connection connection) throws SQLException {
        List<RoutingRow> rows = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(QUERY)) {
            st.setQueryTimeout(TIMEOUT_SECONDS);
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
                                    updated == null ? 0 : updated.getTime()));
                }
            }
        }
        if (!connection.getAutoCommit()) {
            // A later poll must see rows committed after this one (REPEATABLE READ would not).
            connection.commit();
        }
        return rows;
    }

    @Override
    public String toString() {
        return url + (user == null ? "" : " as " + user);
    }
}
