package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.broker.ChildJvms;
import io.rulecast.broker.ParentWatchdog;
import io.rulecast.job.RetainedCheckpoints;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rulecast run} end to end: a rule pushed with the CLI, events produced with the CLI, the
 * job in an embedded MiniCluster writing the wide table in the real database.
 */
class RunCommandITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir Path dir;

    private static String[] withDb(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "--jdbc-url",
                        DB.jdbcUrl(),
                        "--user",
                        DB.user(),
                        "--password=" + DB.password()));
        return all.toArray(String[]::new);
    }

    @Test
    void runsTheJobOverPushedRulesAndProducedEvents() throws Exception {
        Path samples = Path.of(getClass().getResource("/replay/add.groovy").toURI()).getParent();
        assertEquals(0, CliRun.of(withDb("db", "migrate")).exitCode());
        DB.execute(
                "CREATE TABLE dwd_wrongbook_wide (wrongbook_id VARCHAR(64) PRIMARY KEY, adds BIGINT,"
                        + " chapter VARCHAR(64))",
                "CREATE TABLE dim_questions (question_id VARCHAR(64) PRIMARY KEY, chapter VARCHAR(64))",
                "INSERT INTO dim_questions VALUES ('q-7', 'fractions'), ('q-8', 'decimals')");
        CliRun push =
                CliRun.of(
                        withDb(
                                "push",
                                samples.resolve("add.groovy").toString(),
                                "--domain",
                                "wrongbook",
                                "--type",
                                "wrongbook_add",
                                "--config",
                                samples.resolve("config.json").toString()));
        assertEquals(0, push.exitCode(), push.toString());

        String topic = KAFKA.createTopic("cli-run-events");
        CliRun produce =
                CliRun.of(
                        "produce",
                        "--topic",
                        topic,
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--key-path",
                        "payload.userId",
                        samples.resolve("events.jsonl").toString());
        assertEquals(0, produce.exitCode(), produce.toString());

        Path props =
                RunFixture.properties(
                        dir,
                        KAFKA,
                        "cli-run",
                        topic,
                        "sink.tables.allowed=dwd_wrongbook_wide",
                        "dims.questions.table=dim_questions",
                        "dims.questions.key-column=question_id",
                        "checkpoint.dir=" + dir.resolve("checkpoints"),
                        // a cold JVM's first invocation must not be what this test measures
                        "script.timeout=5 s");
        CliRun run =
                CliRun.of(
                        withDb(
                                "run",
                                "--config",
                                props.toString(),
                                "--stop-after",
                                "40",
                                "--parallelism",
                                "1"));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(
                run.out().contains(" running in an embedded MiniCluster: events from " + topic),
                run.toString());
        assertTrue(run.out().contains("stopped after 40 s"), run.toString());
        assertTrue(
                run.out().startsWith("no checkpoint in " + dir.resolve("checkpoints")),
                run.toString());

        List<Map<String, Object>> rows =
                DB.query(
                        "SELECT wrongbook_id, chapter FROM dwd_wrongbook_wide ORDER BY wrongbook_id");
        assertEquals(2, rows.size(), rows::toString);
        assertEquals("wb-1", rows.get(0).get("wrongbook_id"));
        assertEquals("fractions", rows.get(0).get("chapter"));
        assertEquals("wb-3", rows.get(1).get("wrongbook_id"));
    }

    @Test
    void aConfigurationTheJobCannotStartWithExits2WithOneLine() throws URISyntaxException {
        CliRun r =
                CliRun.of(
                        "run", "--jdbc-url", "jdbc:mysql://127.0.0.1:1/rulecast", "--user", "root");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertEquals(
                "error: cannot reach MySQL at 127.0.0.1:1: Connection refused — is it running? set"
                        + " --jdbc-url or RULECAST_JDBC_URL",
                r.err().strip());
    }

    /** The counting rule of the kill test: a ctx.state counter per student, and a log row. */
    private static final String COUNTING_RULE =
            "def p = event.payload\n"
                    + "def n = ctx.state.incr('adds', 1)\n"
                    + "ctx.upsert('kill_log', [event_id: event.eventId, user_id: p.userId])\n"
                    + "return [user_id: p.userId, adds: n, last_seq: p.seq]";

    private static final int KILL_EVENTS = 3000;
    private static final int KILL_USERS = 30;

    @Test
    void aRunKilledWithSigkillResumesFromItsLatestCheckpointAndCountsExactly() throws Exception {
        assertEquals(0, CliRun.of(withDb("db", "migrate")).exitCode());
        DB.execute(
                "CREATE TABLE kill_counts (user_id VARCHAR(16) PRIMARY KEY, adds INT, last_seq INT)",
                "CREATE TABLE kill_log (event_id VARCHAR(32) PRIMARY KEY, user_id VARCHAR(16))");
        try (Connection c = DB.connection();
                PreparedStatement st =
                        c.prepareStatement(
                                "INSERT INTO routing_configs (domain, event_type, rule_name,"
                                        + " language, script, config_json, enabled, priority)"
                                        + " VALUES ('kill', 'add', 'main', 'groovy', ?, ?, 1, 0)")) {
            st.setString(1, COUNTING_RULE);
            st.setString(2, "{\"output_table\": \"kill_counts\"}");
            st.executeUpdate();
        }
        String topic = KAFKA.createTopic("kill-events", 2);
        Path checkpointDir = dir.resolve("checkpoints");
        Path props = dir.resolve("kill.properties");
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "kafka.bootstrap.servers=" + KAFKA.bootstrapServers(),
                        "topic.events=" + topic,
                        "topic.alerts=" + KAFKA.createTopic("kill-alerts"),
                        "topic.metrics=" + KAFKA.createTopic("kill-metrics"),
                        "topic.dlq=" + KAFKA.createTopic("kill-dlq"),
                        "sink.tables.allowed=kill_counts,kill_log",
                        "checkpoint.dir=" + checkpointDir,
                        "checkpoint.interval=1 s",
                        "parallelism=2",
                        "script.timeout=5 s",
                        ""));
        RetainedCheckpoints retained = new RetainedCheckpoints(checkpointDir.toString());
        Thread producer = new Thread(() -> produceCountingEvents(topic), "kill-producer");
        Process first = startRun(props, dir.resolve("first.log"));
        Process second = null;
        try {
            producer.start();
            awaitLogRows(800, first, dir.resolve("first.log"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (retained.latest().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no checkpoint in " + checkpointDir);
                Thread.sleep(100);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no cancel, nothing flushed
            assertEquals(137, first.waitFor(), "the first run died of SIGKILL");
            long rowsAtKill = logRows();
            assertTrue(rowsAtKill < KILL_EVENTS, "killed mid-stream: " + rowsAtKill);

            second = startRun(props, dir.resolve("second.log"));
            Process run = second;
            awaitOutput(
                    run, dir.resolve("second.log"), "resuming from checkpoint " + checkpointDir);
            producer.join(120_000);
            assertFalse(producer.isAlive(), "the producer finished");
            awaitExactCounts(run, dir.resolve("second.log"));
        } finally {
            producer.interrupt();
            stop(first);
            stop(second);
        }
    }

    /** KILL_EVENTS events, keyed by student, paced so that the kill hits a stream in motion. */
    private static void produceCountingEvents(String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < KILL_EVENTS; i++) {
                String user = "u-" + (i % KILL_USERS);
                String json =
                        "{\"eventId\":\"k-"
                                + i
                                + "\",\"domain\":\"kill\",\"type\":\"add\",\"timestamp\":"
                                + (1_763_800_000_000L + i)
                                + ",\"payload\":{\"userId\":\""
                                + user
                                + "\",\"seq\":"
                                + i
                                + "}}";
                producer.send(new ProducerRecord<>(topic, user, json)).get();
                Thread.sleep(6); // about 150 events a second: 20 s for the stream
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("producing failed", e);
        }
    }

    /** {@code rulecast run} in a JVM of its own, ended with the test (or by SIGKILL). */
    private static Process startRun(Path props, Path log) throws IOException {
        String jar = System.getProperty("rulecast.cli.jar", "target/rulecast-cli.jar");
        assertTrue(Files.isRegularFile(Path.of(jar)), jar + " is missing: run mvn verify");
        List<String> command =
                List.of(
                        ChildJvms.javaExecutable(),
                        "-Xmx768m",
                        "-Dpolyglot.engine.WarnInterpreterOnly=false",
                        "-Dpolyglotimpl.AttachLibraryFailureAction=ignore",
                        "-cp",
                        jar,
                        // Exits when this JVM's end of the stdin pipe closes, even after a kill -9.
                        ParentWatchdog.class.getName(),
                        Rulecast.class.getName(),
                        "run",
                        "--config",
                        props.toString(),
                        "--jdbc-url",
                        DB.jdbcUrl(),
                        "--user",
                        DB.user(),
                        "--password=" + DB.password());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy(); // SIGTERM: the run cancels its job
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long logRows() {
        return ((Number) DB.query("SELECT COUNT(*) AS n FROM kill_log").get(0).get("n"))
                .longValue();
    }

    private static void awaitLogRows(long n, Process run, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (logRows() < n) {
            assertTrue(run.isAlive(), "rulecast run ended:\n" + ChildJvms.tail(log, 40));
            assertTrue(
                    System.nanoTime() < deadline,
                    "fewer than " + n + " rows in kill_log:\n" + ChildJvms.tail(log, 40));
            Thread.sleep(100);
        }
    }

    private static void awaitOutput(Process run, Path log, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(log).contains(text)) {
            assertTrue(run.isAlive(), "rulecast run ended:\n" + ChildJvms.tail(log, 40));
            assertTrue(
                    System.nanoTime() < deadline,
                    "rulecast run did not say '" + text + "':\n" + ChildJvms.tail(log, 40));
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the tables are what one pass over the events gives: a log row per event, and per
     * student the number of its events (a ctx.state counter that restarted from zero, or counted a
     * replayed event twice, shows here) and its last sequence number.
     */
    private static void awaitExactCounts(Process run, Path log) throws Exception {
        Map<String, Map<String, Object>> expected = new TreeMap<>();
        for (int i = 0; i < KILL_EVENTS; i++) {
            String user = "u-" + (i % KILL_USERS);
            Map<String, Object> row =
                    expected.computeIfAbsent(user, u -> new TreeMap<>(Map.of("user_id", u)));
            row.merge("adds", 1, (a, b) -> (Integer) a + (Integer) b);
            row.put("last_seq", i);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, Map<String, Object>> actual = Map.of();
        while (System.nanoTime() < deadline) {
            actual = new TreeMap<>();
            for (Map<String, Object> r : DB.query("SELECT * FROM kill_counts")) {
                actual.put((String) r.get("user_id"), new TreeMap<>(r));
            }
            if (actual.equals(expected) && logRows() == KILL_EVENTS) {
                return;
            }
            assertTrue(run.isAlive(), "rulecast run ended:\n" + ChildJvms.tail(log, 40));
            Thread.sleep(250);
        }
        assertEquals(KILL_EVENTS, logRows(), "one log row per event");
        assertEquals(expected, actual, "kill_counts (adds is a ctx.state counter)");
    }
}
