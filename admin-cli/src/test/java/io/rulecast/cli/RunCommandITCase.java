package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

        Path props = dir.resolve("rulecast.properties");
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "kafka.bootstrap.servers=" + KAFKA.bootstrapServers(),
                        "kafka.starting.offsets=earliest",
                        "topic.events=" + topic,
                        "topic.alerts=" + KAFKA.createTopic("cli-run-alerts"),
                        "topic.metrics=" + KAFKA.createTopic("cli-run-metrics"),
                        "topic.dlq=" + KAFKA.createTopic("cli-run-dlq"),
                        "sink.tables.allowed=dwd_wrongbook_wide",
                        "dims.questions.table=dim_questions",
                        "dims.questions.key-column=question_id",
                        // a cold JVM's first invocation must not be what this test measures
                        "script.timeout=5 s",
                        ""));
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
}
