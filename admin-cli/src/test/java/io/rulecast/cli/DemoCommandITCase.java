package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.cli.demo.DemoSteps;
import io.rulecast.testing.MariaDbExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rulecast demo} end to end on this machine: its own Kafka broker, the MariaDB the tests use
 * (a database of the test's own name), the job in a MiniCluster, the SQL hot update — and nothing
 * left running afterwards.
 */
class DemoCommandITCase {
    private static final String DATABASE = "rulecast_demo_it";
    private static final String URL =
            Optional.ofNullable(System.getenv(MariaDbExtension.URL_ENV))
                    .orElse(MariaDbExtension.DEFAULT_URL);
    private static final String USER =
            Optional.ofNullable(System.getenv(MariaDbExtension.USER_ENV)).orElse("root");
    private static final String PASSWORD =
            Optional.ofNullable(System.getenv(MariaDbExtension.PASSWORD_ENV)).orElse("");

    @AfterAll
    static void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(server(), USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    private static String server() {
        Matcher m = Pattern.compile("^jdbc:\\w+://([^/?]+)").matcher(URL);
        assertTrue(m.find(), URL);
        return "jdbc:mysql://" + m.group(1) + "/";
    }

    private static String hostPort() {
        return server().substring("jdbc:mysql://".length(), server().length() - 1);
    }

    @Test
    void runsTheWholeProductAndLeavesNothingBehind() throws Exception {
        CliRun run =
                CliRun.of(
                        "demo",
                        "--events",
                        "30",
                        "--db-server",
                        hostPort(),
                        "--db-user",
                        USER,
                        "--db-password=" + PASSWORD,
                        "--database",
                        DATABASE);
        assertEquals(0, run.exitCode(), run.toString());
        String out = run.out();
        for (int step = 1; step <= DemoSteps.COUNT; step++) {
            assertTrue(
                    out.contains("[" + step + "/" + DemoSteps.COUNT + "] "),
                    "step " + step + " missing:\n" + run);
        }
        // The wide table before the update (rows of the generated events) and after it.
        assertTrue(out.contains("wrongbook_id  student"), run.toString());
        assertTrue(out.contains("wb-0001"), run.toString());
        Matcher live = Pattern.compile("Hot update live (\\d+) ms after the commit").matcher(out);
        assertTrue(live.find(), run.toString());
        assertTrue(Long.parseLong(live.group(1)) >= 0, run.toString());
        assertTrue(
                Pattern.compile("wb-live-\\d+ .*@v2 .* new").matcher(out).find(), run.toString());
        assertTrue(out.contains("UPDATE  "), "history shows the SQL update:\n" + run);
        // The rollout step: the shadow found differing events and wrote nothing; promoted, the
        // candidate's rows arrive.
        Matcher shadow =
                Pattern.compile(
                                "A candidate tried in shadow: (\\d+) of (\\d+) events came out"
                                        + " different, 0 of its rows written")
                        .matcher(out);
        assertTrue(shadow.find(), run.toString());
        assertTrue(Integer.parseInt(shadow.group(1)) > 0, run.toString());
        assertTrue(
                Pattern.compile(
                                "e-shadow-\\d+  add_source  live '\\S*photo\\S*'  →  candidate"
                                        + " '\\S*camera\\S*'")
                        .matcher(out)
                        .find(),
                run.toString());
        assertTrue(out.contains("nothing left running"), run.toString());

        // The rows are in the demo's database: written by both versions of the rule.
        try (Connection c = DriverManager.getConnection(server() + DATABASE, USER, PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT SUM(add_source LIKE '%@v2'), SUM(add_source NOT LIKE"
                                        + " '%@v2'), SUM(wrongbook_id LIKE 'wb-live-%') FROM"
                                        + " dwd_wrongbook_wide")) {
            rs.next();
            assertTrue(rs.getInt(1) > 0, "rows of the new version");
            assertTrue(rs.getInt(2) > 0, "rows of the old version");
            assertTrue(rs.getInt(3) > 0, "rows of the events streamed after the update");
        }
        try (Connection c = DriverManager.getConnection(server() + DATABASE, USER, PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT SUM(wrongbook_id LIKE 'wb-shadow-%'),"
                                        + " SUM(wrongbook_id LIKE 'wb-shadow-%' AND add_source LIKE"
                                        + " 'camera%'), SUM(wrongbook_id LIKE 'wb-promoted-%' AND"
                                        + " add_source LIKE 'camera%') FROM dwd_wrongbook_wide")) {
            rs.next();
            assertTrue(rs.getInt(1) > 0, "rows of the events streamed during the shadow");
            assertEquals(0, rs.getInt(2), "rows the shadow candidate wrote");
            assertTrue(rs.getInt(3) > 0, "rows of the promoted candidate");
        }

        Matcher pid = Pattern.compile("Kafka broker up at \\S+ \\(pid (\\d+)").matcher(out);
        assertTrue(pid.find(), run.toString());
        long brokerPid = Long.parseLong(pid.group(1));
        assertFalse(
                ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false),
                "the demo's broker (pid " + brokerPid + ") still runs");
        List<String> leftovers =
                ProcessHandle.allProcesses()
                        .map(p -> p.info().commandLine().orElse(""))
                        .filter(cmd -> cmd.contains("rulecast-demo-"))
                        .toList();
        assertEquals(List.of(), leftovers, "processes of a demo still run");
    }

    @Test
    void aBrokerThatCannotStartIsOneLineAndExit2() {
        String key = "rulecast.kafka.classpath";
        String before = System.getProperty(key);
        System.setProperty(key, "/nonexistent/kafka_2.13.jar");
        try {
            CliRun run = CliRun.of("demo", "--events", "5", "--database", DATABASE);
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals(1, run.errLines().size(), run.toString());
            assertTrue(
                    run.err()
                            .startsWith(
                                    "error: cannot start the Kafka broker: Kafka broker jar not"
                                            + " found: /nonexistent/kafka_2.13.jar"),
                    run.toString());
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
