package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database of the dimension tables goes away mid-stream (the job reaches it through a TCP
 * proxy, {@code dims.jdbc.url}; rules and sink stay reachable), while every event's rule looks a
 * student up with {@code ctx.dim} on a cache that keeps nothing ({@code dims.student.ttl = 1 ms}).
 * The Groovy rule catches the lookup's exception and would write a wrong row; the JavaScript rule
 * lets it fail. An outage of infrastructure must not blame the rules: no dead letter, no open
 * breaker, no wrong row — the job holds its events (back-pressure) until the database is back, or
 * fails over to its last checkpoint once the outage outlasts {@code dims.outage.max-wait}.
 */
class DimensionOutageITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STUDENTS = "rel_students";

    /** The workload's add rule, with the student's id taken from the dimension; catches. */
    static final String ADD_RULE =
            "def p = event.payload\n"
                    + "def student = null\n"
                    + "try { student = ctx.dim('student', p.userId) }"
                    + " catch (e) { ctx.log('student lookup failed: ' + e.message) }\n"
                    + "def n = ctx.state.incr('wc:' + p.wrongbookId, 1)\n"
                    + "ctx.metric('wrongbook.added', n, [subject: p.subject])\n"
                    + "ctx.upsert('"
                    + WrongbookWorkload.LOG
                    + "', [event_id: event.eventId, wrongbook_id: p.wrongbookId,"
                    + " kind: student == null ? 'nodim' : 'add'])\n"
                    + "return [wrongbook_id: p.wrongbookId,"
                    + " user_id: student == null ? p.userId : student.user_id,"
                    + " subject: p.subject, wrong_count: n, last_add: event.timestamp,"
                    + " status: 'OPEN']";

    /** The workload's fix rule, which needs the student and lets a failed lookup fail it. */
    static final String FIX_RULE =
            "const p = event.payload;\n"
                    + "const s = ctx.dim('student', p.userId);\n"
                    + "if (s === null) { throw new Error('unknown student ' + p.userId); }\n"
                    + "if (p.method === 'teacher') {\n"
                    + "  ctx.alert('INFO', 'fixed with a teacher', {wrongbookId: p.wrongbookId});\n"
                    + "}\n"
                    + "ctx.upsert('"
                    + WrongbookWorkload.LOG
                    + "', {event_id: event.eventId, wrongbook_id: p.wrongbookId, kind: 'fix'});\n"
                    + "return {wrongbook_id: p.wrongbookId, status: 'FIXED',"
                    + " fix_time: event.timestamp, fix_method: p.method};";

    @Test
    void aTwentySecondOutageOfTheDimensionDatabaseHoldsEventsAndBlamesNoRule(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(3000);
        URI direct = URI.create(DB.jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                JobFixture job = new JobFixture(KAFKA, DB)) {
            proxy.start();
            install(job, proxied(direct, proxy));
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());
            try (WrongbookWorkload.Producer producer = workload.produce(job, 100)) {
                WrongbookWorkload.awaitLogRows(DB, 300, WAIT);
                proxy.stop();
                long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                // Events whose lookups were done when the proxy stopped may still be written.
                JobFixture.sleep(3000);
                long rowsEarlyInOutage = WrongbookWorkload.logRows(DB);
                JobFixture.sleep(Math.max(0, (outageEnds - System.nanoTime()) / 1_000_000));
                long rowsLateInOutage = WrongbookWorkload.logRows(DB);
                proxy.start();
                assertEquals(
                        rowsEarlyInOutage,
                        rowsLateInOutage,
                        "no event got past its rules while the dimension database was away"
                                + " (dead letters so far, by reason: "
                                + deadLettersByReason(job)
                                + ")");
                producer.awaitAll(WAIT);
            }
            workload.awaitExactTables(DB, Duration.ofSeconds(90));
            workload.awaitOutputs(job, false, Duration.ofSeconds(60));
            assertNoRuleWasBlamed(job);
            assertEquals(
                    0,
                    faults.restores(),
                    "a 20 s outage is waited out (dims.outage.max-wait 60 s), not failed over");
        }
    }

    @Test
    void anOutageLongerThanTheBoundFailsTheJobOverAndLosesNothing(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(2000);
        URI direct = URI.create(DB.jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                JobFixture job = new JobFixture(KAFKA, DB)) {
            proxy.start();
            install(job, proxied(direct, proxy));
            job.set("dims.outage.max-wait", "4 s");
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());
            try (WrongbookWorkload.Producer producer = workload.produce(job, 100)) {
                WrongbookWorkload.awaitLogRows(DB, 300, WAIT);
                faults.awaitNewCheckpoints(1, WAIT);
                proxy.stop();
                faults.awaitRestores(1, WAIT);
                // Still away after the restart: the restored job waits (and may fail over again).
                JobFixture.sleep(3000);
                proxy.start();
                producer.awaitAll(WAIT);
            }
            workload.awaitExactTables(DB, Duration.ofSeconds(90));
            workload.awaitOutputs(job, false, Duration.ofSeconds(60));
            assertNoRuleWasBlamed(job);
            ErrorInfo failure =
                    cluster.getExecutionGraph(job.jobId())
                            .get(10, TimeUnit.SECONDS)
                            .getFailureInfo();
            assertTrue(
                    failure != null
                            && failure.getExceptionAsString().contains("dims.outage.max-wait"),
                    "the job failed over because of the bound: "
                            + (failure == null ? "no failure" : failure.getExceptionAsString()));
            System.out.println("[dim-outage-it] restores: " + faults.restores());
        }
    }

    private static String proxied(URI direct, TcpProxy proxy) {
        return DB.jdbcUrl()
                .replace(direct.getHost() + ":" + direct.getPort(), "127.0.0.1:" + proxy.port());
    }

    /** The workload's tables, a student dimension behind {@code dimsUrl}, and the two rules. */
    private static void install(JobFixture job, String dimsUrl) {
        WrongbookWorkload.install(job);
        job.db.execute(
                "DELETE FROM routing_configs WHERE domain = 'wrongbook'",
                "DROP TABLE IF EXISTS " + STUDENTS,
                "CREATE TABLE " + STUDENTS + " (user_id VARCHAR(16) PRIMARY KEY, grade INT)");
        List<String> inserts = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            inserts.add("INSERT INTO " + STUDENTS + " VALUES ('u-" + u + "', " + (u % 6) + ")");
        }
        job.db.execute(inserts.toArray(String[]::new));
        String config = "{\"output_table\": \"" + WrongbookWorkload.WIDE + "\"}";
        job.rules.insert("wrongbook", "wrongbook_add", "main", "groovy", ADD_RULE, config, 0);
        job.rules.insert("wrongbook", "wrongbook_fix", "main", "js", FIX_RULE, config, 0);
        job.set("dims.jdbc.url", dimsUrl)
                .set("dims.student.table", STUDENTS)
                .set("dims.student.key-column", "user_id")
                // Nothing stays cached: every event's lookup goes to the database.
                .set("dims.student.ttl", "1 ms")
                .set("jdbc.connect.timeout", "2 s")
                .set("jdbc.socket.timeout", "5 s");
    }

    private static java.util.Map<String, Long> deadLettersByReason(JobFixture job) {
        return job.dlq().all().stream()
                .collect(
                        java.util.stream.Collectors.groupingBy(
                                r -> String.valueOf(r.header(Messages.HEADER_REASON)),
                                java.util.TreeMap::new,
                                java.util.stream.Collectors.counting()));
    }

    /** No dead letter at all (so none SCRIPT_ERROR or CIRCUIT_OPEN) and no breaker opened. */
    private static void assertNoRuleWasBlamed(JobFixture job) {
        assertEquals(List.of(), job.dlq().all(), "no event went to the dead-letter topic");
        assertEquals(
                List.of(),
                job
                        .alerts()
                        .matching(r -> Messages.CIRCUIT_OPEN.equals(r.json().get("code")))
                        .stream()
                        .map(TopicWatcher.Received::toString)
                        .toList(),
                "no circuit breaker opened");
    }
}
