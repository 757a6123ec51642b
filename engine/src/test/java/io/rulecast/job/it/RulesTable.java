package io.rulecast.job.it;

import io.rulecast.testing.MariaDbExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes routing_configs with plain JDBC, as an operator would with SQL. */
final class RulesTable {
    private final MariaDbExtension db;

    RulesTable(MariaDbExtension db) {
        this.db = db;
    }

    long insert(
            String domain,
            String type,
            String name,
            String language,
            String script,
            String config,
            int priority) {
        String sql =
                "INSERT INTO routing_configs (domain, event_type, rule_name, language, script,"
                        + " config_json, enabled, priority) VALUES (?, ?, ?, ?, ?, ?, 1, ?)";
        try (Connection c = db.connection();
                PreparedStatement st = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            st.setString(1, domain);
            st.setString(2, type);
            st.setString(3, name);
            st.setString(4, language);
            st.setString(5, script);
            st.setString(6, config);
            st.setInt(7, priority);
            st.executeUpdate();
            try (ResultSet keys = st.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("insert rule: " + e.getMessage(), e);
        }
    }

    long insert(String domain, String type, String script) {
        return insert(domain, type, "main", "groovy", script, null, 0);
    }

    /** {@code UPDATE routing_configs SET script = ? WHERE id = ?}; returns when committed. */
    void updateScript(long id, String script) {
        update("UPDATE routing_configs SET script = ? WHERE id = ?", script, id);
    }

    void delete(long id) {
        update("DELETE FROM routing_configs WHERE id = ?", null, id);
    }

    void setEnabled(long id, boolean enabled) {
        update("UPDATE routing_configs SET enabled = ? WHERE id = ?", enabled ? "1" : "0", id);
    }

    private void update(String sql, String value, long id) {
        try (Connection c = db.connection();
                PreparedStatement st = c.prepareStatement(sql)) {
            int i = 1;
            if (value != null) {
                st.setString(i++, value);
            }
            st.setLong(i, id);
            if (st.executeUpdate() != 1) {
                throw new IllegalStateException("no routing_configs row " + id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
