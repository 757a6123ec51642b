package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.db.Database;
import io.rulecast.schema.MigrationResult;
import io.rulecast.schema.SchemaMigrationException;
import io.rulecast.schema.SchemaMigrator;
import java.sql.Connection;
import java.sql.SQLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rulecast db migrate}: creates the database the URL names if it is missing, then applies
 * the schema migrations (Flyway). Safe to run again: it only applies what is new.
 */
@Command(
        name = "migrate",
        description = {
            "Create or upgrade the schema (routing_configs, routing_config_history and its"
                    + " triggers).",
            "Creates the database named in the JDBC URL if it does not exist yet."
        })
public final class DbMigrateCommand extends BaseCommand {
    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        Database db = connection.database().creatingDatabase();
        // Connect through Database first: it creates the database and explains failures in one
        // line.
        try (Connection c = db.connect()) {
            c.isValid(2);
        } catch (SQLException e) {
            throw db.explain(e);
        }
        MigrationResult result;
        try {
            result = SchemaMigrator.migrate(db.url(), db.user(), db.password());
        } catch (SchemaMigrationException e) {
            throw CliException.unreachable(e.getMessage(), e);
        }
        String where = "'" + db.databaseName() + "' at " + db.hostPort();
        out().println(
                        result.upToDate()
                                ? "schema of "
                                        + where
                                        + " is up to date (version "
                                        + result.schemaVersion()
                                        + ")"
                                : "migrated "
                                        + where
                                        + " to version "
                                        + result.schemaVersion()
                                        + " (applied "
                                        + String.join(", ", result.applied())
                                        + ")");
        return 0;
    }
}
