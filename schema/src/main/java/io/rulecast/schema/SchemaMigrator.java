package io.rulecast.schema;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates or upgrades Rulecast's tables ({@code routing_configs}, {@code routing_config_history}
 * and its triggers) in a MySQL 8 or MariaDB 10.6+ database.
 *
 * <p>The migrations are the SQL files under {@value #LOCATION}; the applied ones are recorded in
 * {@value #HISTORY_TABLE}, a name of its own so that an application's Flyway history in the same
 * database is left alone. A database that already holds other tables (say, the wide tables the
 * rules write) is accepted.
 */
public final class SchemaMigrator {
    public static final String LOCATION = "classpath:db/migration/rulecast";
    public static final String HISTORY_TABLE = "rulecast_schema_history";

    private SchemaMigrator() {}

    /**
     * Applies every pending migration; does nothing when the schema is current.
     *
     * @param jdbcUrl a {@code jdbc:mysql://host:port/database} URL; the database must exist
     * @throws SchemaMigrationException with a one-line message naming the cause and the fix
     */
    public static MigrationResult migrate(String jdbcUrl, String user, String password) {
        Flyway flyway =
                Flyway.configure(SchemaMigrator.class.getClassLoader())
                        .dataSource(jdbcUrl, user, password)
                        .locations(LOCATION)
                        .table(HISTORY_TABLE)
                        .failOnMissingLocations(true)
                        .validateMigrationNaming(true)
                        // Existing unrelated tables are fine: start counting at 0, apply V1 on.
                        .baselineOnMigrate(true)
                        .baselineVersion("0")
                        .baselineDescription("before Rulecast")
                        .load();
        try {
            MigrateResult result = flyway.migrate();
            List<String> applied = new ArrayList<>();
            for (MigrateOutput m : result.migrations) {
                if (m.version != null && !m.version.isEmpty()) {
                    applied.add(m.version);
                }
            }
            String version =
                    result.targetSchemaVersion != null
                            ? result.targetSchemaVersion
                            : flyway.info().current() == null
                                    ? null
                                    : flyway.info().current().getVersion().getVersion();
            return new MigrationResult(applied, version);
        } catch (FlywayException e) {
            throw new SchemaMigrationException(describe(jdbcUrl, user, e), e);
        }
    }

    static String describe(String jdbcUrl, String user, Throwable e) {
        String where = "cannot migrate the Rulecast schema at " + redact(jdbcUrl) + ": ";
        SQLException sql = sqlCause(e);
        if (sql == null) {
            return where + firstLine(e.getMessage());
        }
        String cause = firstLine(sql.getMessage());
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        switch (sql.getErrorCode()) {
            case 1044, 1045:
                return where + cause + " - check the user ('" + user + "') and password";
            case 1049:
                return where
                        + cause
                        + " - create it first: CREATE DATABASE <name> CHARACTER SET utf8mb4";
            case 1419:
                return where
                        + cause
                        + " - binary logging is on: SET GLOBAL log_bin_trust_function_creators"
                        + " = 1, or migrate as an account with SUPER";
            case 1142:
                return where + cause + " - grant the account CREATE, ALTER, INDEX and TRIGGER";
            default:
                break;
        }
        if (state.startsWith("08")) {
            return where + cause + " - is the database running and reachable from here?";
        }
        return where + cause;
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static String redact(String jdbcUrl) {
        return jdbcUrl == null ? "null" : jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "unknown error";
        }
        String trimmed = s.strip();
        int nl = trimmed.indexOf('\n');
        return (nl < 0 ? trimmed : trimmed.substring(0, nl)).strip();
    }
}
