package io.rulecast.cli;

import io.rulecast.cli.db.Database;
import picocli.CommandLine.Option;

/**
 * Where the rules live: {@code --jdbc-url}, {@code --user}, {@code --password}, each defaulting to
 * its environment variable, then to the local MySQL of a developer machine.
 */
public final class ConnectionOptions {
    public static final String DEFAULT_URL = "jdbc:mysql://127.0.0.1:3306/rulecast";

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            defaultValue = "${env:RULECAST_JDBC_URL:-" + DEFAULT_URL + "}",
            description =
                    "MySQL or MariaDB holding routing_configs (env RULECAST_JDBC_URL, default"
                            + " ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @Option(
            names = "--user",
            paramLabel = "USER",
            defaultValue = "${env:RULECAST_DB_USER:-root}",
            description = "Database user (env RULECAST_DB_USER, default ${DEFAULT-VALUE}).")
    String user;

    @Option(
            names = "--password",
            paramLabel = "PASSWORD",
            defaultValue = "${env:RULECAST_DB_PASSWORD:-}",
            description = "Database password (env RULECAST_DB_PASSWORD, default empty).")
    String password;

    public Database database() {
        return new Database(jdbcUrl, user, password == null ? "" : password);
    }
}
