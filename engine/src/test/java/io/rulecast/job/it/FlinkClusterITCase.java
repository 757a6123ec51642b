package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rulecast.broker.ChildJvms;
import io.rulecast.cluster.FlinkCluster;
import io.rulecast.cluster.FlinkCluster.FlinkProcess;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded job jar on a real multi-process Flink cluster: a JobManager and two TaskManagers as
 * separate JVMs, the job submitted with Flink's own CLI frontend ({@code flink run}) at parallelism
 * 2, events through the real broker into MariaDB, one Groovy and one JavaScript rule (both engines
 * under Flink's child-first job class loader). One TaskManager is killed with SIGKILL mid-stream; a
 * new one takes its place and the job must recover from its last checkpoint with a complete wide
 * table, and keyed state that counted every event exactly once.
 */
class FlinkClusterITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    private static final int ORDERS = 120;
    private static final long T0 = 1_763_800_000_000L;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);
    private static final Path LOGS = Path.of("target", "flink-cluster-it-logs");

    @Test
    void jobSurvivesTheLossOfATaskManager() throws Exception {
        Path jar = jobJar();
        DB.execute(
                "CREATE TABLE order_wide (order_id VARCHAR(32) PRIMARY KEY,"
                        + " amount DECIMAL(10,2), paid_by VARCHAR(16), events_seen INT)");
        Path work = Files.createTempDirectory("rulecast-cluster-it-");
        try (JobFixture job = new JobFixture(KAFKA, DB);
                FlinkCluster flink =
                        FlinkCluster.builder()
                                .taskManagers(2)
                                .slotsPerTaskManager(1)
                                .taskManagerHeap("320m")
                                .timeout(STEP_TIMEOUT)
                                .start()) {
            try {
                runScenario(job, flink, jar, work);
            } catch (Throwable t) {
                // Whatever failed (a wait in the fixture, an assertion), the processes say why.
                System.out.println(flink.logTails());
                flink.copyLogs(LOGS);
                log("Flink logs kept in %s", LOGS.toAbsolutePath());
                throw t;
            }
        } finally {
            ChildJvms.deleteRecursively(work);
        }
    }

    private static void runScenario(JobFixture job, FlinkCluster flink, Path jar, Path work)
            throws Exception {
        log("cluster up at %s: %s", flink.restUrl(), flink.processes());
        log("TaskManagers registered: %s", flink.registeredTaskManagers());
        // Both rules count the events of their order in keyed state: a replay after the
        // failure that did not roll the state back would count an event twice.
        job.rules.insert(
                "shop",
                "order_created",
                "main",
                "groovy",
                "def n = ctx.state.incr('events', 1)\n"
                        + "return [order_id: event.payload.orderId,"
                        + " amount: event.payload.amount, events_seen: n]",
                "{\"output_table\": \"order_wide\"}",
                0);
        job.rules.insert(
                "shop",
                "order_paid",
                "main",
                "js",
                "const n = ctx.state.incr('events', 1);\n"
                        + "ctx.upsert('order_wide', {order_id: event.payload.orderId,"
                        + " paid_by: event.payload.method, events_seen: n});\n"
                        + "return null;",
                null,
                0);
        job.set("sink.tables.allowed", "order_wide");
        // Parallelism comes from `flink run -p 2`; the job's own setting would override it.
        job.settings.remove("parallelism");
        Path props = work.resolve("rulecast.properties");
        writeProperties(props, job.settings, "kafka.group.id");

        String[] jobId = new String[1];
        job.startElsewhere(
                () -> {
                    jobId[0] =
                            flink.submit(
                                    jar,
                                    2,
                                    "--config",
                                    props.toString(),
                                    // Settings as --key value arguments work as with
                                    // `rulecast run`.
                                    "--kafka.group.id",
                                    job.settings.get("kafka.group.id"));
                    log("flink run -d -p 2 %s: job %s submitted", jar.getFileName(), jobId[0]);
                    flink.awaitJobRunning(jobId[0], STEP_TIMEOUT);
                    log("job %s RUNNING on 2 TaskManagers", jobId[0]);
                },
                () -> jobId[0] == null ? "not submitted" : flink.jobState(jobId[0]),
                STEP_TIMEOUT);
        log("both routing instances answer probes; the Groovy and the JavaScript rule compiled");

        sendOrders(job, 0, ORDERS / 2);
        awaitRows(flink, ORDERS / 4, "before the failure");
        long checkpointsBefore = awaitCheckpoint(flink, jobId[0]);

        // The second half is on its way while the TaskManager dies.
        Thread sender = new Thread(() -> sendOrders(job, ORDERS / 2, ORDERS), "second-half");
        sender.start();
        FlinkProcess victim = flink.runningTaskManagers().get(0);
        int exit = flink.kill(victim);
        log("SIGKILL sent to %s: exit code %d", victim, exit);
        assertEquals(137, exit, "the TaskManager died of SIGKILL (128 + 9)");
        FlinkProcess replacement = flink.startTaskManager();
        log("started %s in its place", replacement);
        List<String> survivors =
                flink.runningTaskManagers().stream().map(FlinkProcess::name).toList();
        flink.awaitRegistered(survivors, STEP_TIMEOUT);
        log("TaskManagers registered: %s (%s is gone)", survivors, victim.name());

        sender.join(STEP_TIMEOUT.toMillis());
        awaitRecovery(flink, jobId[0]);
        // Restored from a checkpoint taken before the kill, not restarted afresh: offsets and
        // the ctx.state counters came back from there.
        long restored = flink.restoredCheckpointId(jobId[0]);
        log(
                "restored from checkpoint %d (%d completed before the kill)",
                restored, checkpointsBefore);
        assertTrue(
                restored >= 1,
                "the job was restored from a checkpoint, got "
                        + restored
                        + "\n"
                        + flink.logTails());
        // Every order's row, each with both events counted once (events_seen = 2): a lost event
        // leaves a column empty, a replay on unrestored state counts 1, a double count 3.
        List<Map<String, Object>> rows = awaitCompleteTable(flink);
        assertEquals(ORDERS, rows.size(), "one row per order, no more");
        assertEquals(List.of(), job.dlq().all(), "no event was rejected");
        log("wide table complete: %d rows, every event counted once", rows.size());

        flink.cancel(jobId[0]);
        log("job cancelled; stopping %d Flink processes", flink.processes().size());
        flink.copyLogs(LOGS);
        log("Flink logs kept in %s", LOGS.toAbsolutePath());
    }

    private static void sendOrders(JobFixture job, int from, int to) {
        for (int i = from; i < to; i++) {
            String order = "o-" + i;
            job.send(
                    order,
                    event(
                            "c-" + i,
                            "shop",
                            "order_created",
                            T0 + i,
                            Map.of("orderId", order, "amount", amount(i))));
            job.send(
                    order,
                    event(
                            "p-" + i,
                            "shop",
                            "order_paid",
                            T0 + 100_000 + i,
                            Map.of("orderId", order, "method", method(i))));
        }
    }

    private static BigDecimal amount(int i) {
        return new BigDecimal(i + ".25");
    }

    private static String method(int i) {
        return i % 3 == 0 ? "card" : "cash";
    }

    private static void awaitRows(FlinkCluster flink, int atLeast, String when) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        long n = 0;
        while (System.nanoTime() < deadline) {
            n = count();
            if (n >= atLeast) {
                log("%d rows in order_wide %s", n, when);
                return;
            }
            JobFixture.sleep(200);
        }
        fail("only " + n + " rows in order_wide " + when + "\n" + flink.logTails());
    }

    private static long awaitCheckpoint(FlinkCluster flink, String jobId) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            long n = flink.completedCheckpoints(jobId);
            if (n >= 1) {
                log("%d checkpoint(s) completed before the failure", n);
                return n;
            }
            JobFixture.sleep(200);
        }
        fail("no checkpoint completed\n" + flink.logTails());
        return -1;
    }

    private static long count() {
        return ((Number) DB.query("SELECT COUNT(*) AS n FROM order_wide").get(0).get("n"))
                .longValue();
    }

    private static void awaitRecovery(FlinkCluster flink, String jobId) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        long restarts = -1;
        String state = null;
        while (System.nanoTime() < deadline) {
            restarts = flink.restarts(jobId);
            state = flink.jobState(jobId);
            if (restarts >= 1 && "RUNNING".equals(state)) {
                flink.awaitJobRunning(jobId, STEP_TIMEOUT);
                log(
                        "job %s recovered: RUNNING again after %d restart(s), %d TaskManagers",
                        jobId, restarts, flink.runningTaskManagers().size());
                jobManagerLines(flink, "Restoring job").forEach(l -> log("jobmanager: %s", l));
                return;
            }
            JobFixture.sleep(200);
        }
        fail(
                "job "
                        + jobId
                        + " did not recover (state "
                        + state
                        + ", restarts "
                        + restarts
                        + ")\n"
                        + flink.logTails());
    }

    private static List<Map<String, Object>> awaitCompleteTable(FlinkCluster flink) {
        List<Map<String, Object>> expected = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("order_id", "o-" + i);
            row.put("amount", amount(i));
            row.put("paid_by", method(i));
            row.put("events_seen", 2);
            expected.add(row);
        }
        expected.sort((a, b) -> ((String) a.get("order_id")).compareTo((String) b.get("order_id")));
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        List<Map<String, Object>> actual = List.of();
        while (System.nanoTime() < deadline) {
            actual = DB.query("SELECT * FROM order_wide ORDER BY order_id");
            if (actual.equals(expected)) {
                return actual;
            }
            // A count above 2 can never come down again: stop waiting.
            if (actual.stream().anyMatch(r -> ((Number) r.get("events_seen")).intValue() > 2)) {
                break;
            }
            JobFixture.sleep(300);
        }
        List<Map<String, Object>> wrong = new ArrayList<>(actual);
        wrong.removeAll(expected);
        fail(
                "order_wide has "
                        + actual.size()
                        + " rows, "
                        + wrong.size()
                        + " of them not as expected, e.g. "
                        + wrong.stream().limit(5).toList()
                        + "\n"
                        + flink.logTails());
        return actual;
    }

    private static List<String> jobManagerLines(FlinkCluster flink, String containing) {
        try {
            return Files.readAllLines(flink.processes().get(0).log()).stream()
                    .filter(l -> l.contains(containing))
                    .toList();
        } catch (IOException e) {
            return List.of("(cannot read the JobManager log: " + e + ")");
        }
    }

    static Path jobJar() {
        String path = System.getProperty("rulecast.job.jar");
        if (path == null) {
            fail("system property rulecast.job.jar is not set: run with mvn verify");
        }
        Path jar = Path.of(path);
        if (!Files.isRegularFile(jar)) {
            fail(jar + " does not exist: build it with mvn -pl engine package");
        }
        return jar;
    }

    private static void writeProperties(Path file, Map<String, String> settings, String... skip)
            throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        for (String key : skip) {
            p.remove(key);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "FlinkClusterITCase");
        }
    }

    private static void log(String format, Object... args) {
        System.out.println(
                LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                        + " [cluster-it] "
                        + String.format(format, args));
    }
}
