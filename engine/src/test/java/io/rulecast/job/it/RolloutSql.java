package io.rulecast.job.it;

import io.rulecast.testing.MariaDbExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Starts and changes rollouts with raw SQL on routing_configs, as an operator may. */
final class RolloutSql {
    private RolloutSql() {}

    /** Puts a Groovy candidate beside rule {@code id} in {@code mode} (percent for canary). */
    static void start(MariaDbExtension db, long id, String script, String mode, Double percent) {
        try (Connection c = db.connection();
                PreparedStatement st =
                        c.prepareStatement(
                                "UPDATE routing_configs SET candidate_language = 'groovy',"
                                        + " candidate_script = ?, candidate_config_json ="
                                        + " config_json, rollout_mode = ?, rollout_percent = ?"
                                        + " WHERE id = ?")) {
            st.setString(1, script);
            st.setString(2, mode);
            if (percent == null) {
                st.setNull(3, java.sql.Types.DECIMAL);
            } else {
                st.setBigDecimal(3, java.math.BigDecimal.valueOf(percent));
            }
            st.setLong(4, id);
            if (st.executeUpdate() != 1) {
                throw new IllegalStateException("no routing_configs row " + id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("start rollout: " + e.getMessage(), e);
        }
    }

    static void percent(MariaDbExtension db, long id, double percent) {
        db.execute("UPDATE routing_configs SET rollout_percent = " + percent + " WHERE id = " + id);
    }
}
