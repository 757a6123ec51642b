package io.rulecast.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.MariaDbExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The demo's SQL scripts go to the server whole; its parser splits them, not ours. */
class DemoDatabaseITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @TempDir Path dir;

    @Test
    void loadsTheExampleTablesAndDimensions() throws Exception {
        String line = DemoDatabase.loadTables(db(), WrongbookExample.unpackBundled(dir));
        assertEquals(
                "Wide table dwd_wrongbook_wide created; dimensions loaded: dim_question 50 rows,"
                        + " dim_student 20 rows",
                line);
        List<Map<String, Object>> student =
                DB.query("SELECT name, class_name FROM dim_student WHERE user_id = 'u-20'");
        assertEquals(List.of(Map.of("name", "罗诗涵", "class_name", "初二(4)班")), student);
    }

    @Test
    void semicolonsInQuotesAndCommentsAreNotStatementEnds() throws Exception {
        String script =
                "-- a comment; not a statement\n"
                        + "CREATE TABLE t (a VARCHAR(16) COMMENT 'x;y') ;\n"
                        + "/* block; comment */ INSERT INTO t VALUES ('it''s; fine'), (\"a;b\");\n"
                        + "# hash comment;\n"
                        + "INSERT INTO t VALUES ('back\\\\'); INSERT INTO t VALUES ('1--1')\n";
        try (Connection c = multiQueries();
                Statement s = c.createStatement()) {
            DemoDatabase.runScript(s, script);
        }
        assertEquals(
                List.of("1--1", "a;b", "back\\", "it's; fine"),
                DB.query("SELECT a FROM t ORDER BY a").stream().map(r -> r.get("a")).toList());
    }

    @Test
    void anErrorInALaterStatementIsThrown() throws Exception {
        try (Connection c = multiQueries();
                Statement s = c.createStatement()) {
            SQLException e =
                    assertThrows(
                            SQLException.class,
                            () ->
                                    DemoDatabase.runScript(
                                            s,
                                            "CREATE TABLE u (a INT); INSERT INTO u VALUES (1);"
                                                    + " INSERT INTO nope VALUES (2);"));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }
    }

    private static DemoDatabase.Db db() {
        String server = DB.serverUrl().replaceFirst("^jdbc:\\w+://", "").replaceFirst("/.*$", "");
        return new DemoDatabase.Db(
                server, DB.user(), DB.password(), DB.databaseName(), false, "test");
    }

    private static Connection multiQueries() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", DB.user());
        p.setProperty("password", DB.password());
        p.setProperty("allowMultiQueries", "true");
        return DriverManager.getConnection(DB.jdbcUrl(), p);
    }
}
