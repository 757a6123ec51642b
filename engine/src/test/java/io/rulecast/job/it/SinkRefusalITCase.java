package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rows the database refuses while the job runs — a value too long for its column, a column dropped
 * by {@code ALTER TABLE}, the whole table renamed away — reach the dead-letter topic with stage
 * {@code sink}, the row and the reason, and the job runs on: no event's write disappears. A column
 * added by a migration is writable by the next rule version at once.
 */
class SinkRefusalITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CONFIG = "{\"output_table\": \"refuse_wide\"}";

    private static final String RULE = "def p = event.payload\nreturn [id: p.id, a: p.a, b: p.b]";

    /** Sends one item event (key = id) and returns the row the rule makes of it. */
    private static Map<String, Object> send(JobFixture job, String id, String a, String b) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", id);
        payload.put("a", a);
        payload.put("b", b);
        job.send(id, event("ev-" + id, "shop", "item", payload));
        return payload;
    }

    private static Map<String, Map<String, Object>> table(String sql) {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (Map<String, Object> r : DB.query(sql)) {
            rows.put((String) r.get("id"), r);
        }
        return rows;
    }

    @Test
    void refusedRowsAreDeadLetteredWithStageSinkAndTheJobRunsOn(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        DB.execute(
                "DROP TABLE IF EXISTS refuse_wide",
                "DROP TABLE IF EXISTS refuse_moved",
                "CREATE TABLE refuse_wide (id VARCHAR(16) PRIMARY KEY, a VARCHAR(8), b VARCHAR(8))");
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("sink.tables.allowed", "refuse_wide");
            job.rules.insert("shop", "item", "main", "groovy", RULE, CONFIG, 0);
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());

            Map<String, Map<String, Object>> written = new TreeMap<>();
            Map<String, Map<String, Object>> refused = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                written.put("ok-" + i, send(job, "ok-" + i, "a" + i, "b" + i));
            }
            // A value too long for VARCHAR(8): the database refuses this row only.
            refused.put("long", send(job, "long", "x".repeat(20), "b"));
            for (int i = 20; i < 40; i++) {
                written.put("ok-" + i, send(job, "ok-" + i, "a" + i, "b" + i));
            }
            awaitRows(written.keySet().size());
            job.dlq().awaitCount(r -> true, 1, WAIT);

            // A migration drops a column the rule still writes. One event at a time, so each
            // sink batch holds one row and the reasons show when each writer noticed the drop.
            DB.execute("ALTER TABLE refuse_wide DROP COLUMN b");
            for (int i = 0; i < 10; i++) {
                refused.put("drop-" + i, send(job, "drop-" + i, "d" + i, "gone"));
                job.dlq().awaitCount(r -> true, refused.size(), WAIT);
            }

            // The table is renamed away.
            DB.execute("RENAME TABLE refuse_wide TO refuse_moved");
            for (int i = 0; i < 10; i++) {
                refused.put("moved-" + i, send(job, "moved-" + i, "m" + i, "gone"));
                job.dlq().awaitCount(r -> true, refused.size(), WAIT);
            }
            JobFixture.sleep(2000); // time for a duplicate to show, if any
            List<TopicWatcher.Received> dead = job.dlq().all();

            Map<String, Map<String, Object>> deadRows = new TreeMap<>();
            Map<String, String> reasons = new TreeMap<>();
            for (TopicWatcher.Received r : job.dlq().all()) {
                assertEquals("sink", r.header(Messages.HEADER_STAGE), r.toString());
                assertEquals("shop/item/main", r.header(Messages.HEADER_RULE), r.toString());
                Map<String, Object> value = r.json();
                assertEquals("refuse_wide", value.get("table"), r.toString());
                assertEquals("upsert", value.get("kind"), r.toString());
                @SuppressWarnings("unchecked")
                Map<String, Object> row = (Map<String, Object>) value.get("row");
                deadRows.put((String) row.get("id"), row);
                reasons.put((String) row.get("id"), r.header(Messages.HEADER_REASON));
            }
            assertEquals(refused, deadRows, "every refused row, with its values, and no other");
            assertEquals(refused.size(), dead.size(), "each refused row once: " + dead);
            assertEquals(DeadLetterReason.SINK_REFUSED.name(), reasons.get("long"));
            // A writer notices a change of the table at once: either its catalog sees it when it
            // checks the write, or the database refuses one write and the catalog reloads. So
            // at most one refusal by the database per writer (two writers) and change.
            for (String prefix : List.of("drop-", "moved-")) {
                long byDatabase =
                        reasons.entrySet().stream()
                                .filter(e -> e.getKey().startsWith(prefix))
                                .filter(
                                        e ->
                                                e.getValue()
                                                        .equals(
                                                                DeadLetterReason.SINK_REFUSED
                                                                        .name()))
                                .count();
                assertTrue(
                        byDatabase <= 2,
                        prefix + "*: at most one refusal by the database per writer: " + reasons);
                assertTrue(
                        reasons.entrySet().stream()
                                .filter(e -> e.getKey().startsWith(prefix))
                                .allMatch(
                                        e ->
                                                e.getValue()
                                                                .equals(
                                                                        DeadLetterReason
                                                                                .SINK_REFUSED
                                                                                .name())
                                                        || e.getValue()
                                                                .equals(
                                                                        DeadLetterReason.BAD_OUTPUT
                                                                                .name())),
                        reasons.toString());
            }
            Map<String, Map<String, Object>> moved =
                    table("SELECT id, a FROM refuse_moved ORDER BY id");
            Map<String, Map<String, Object>> expected = new TreeMap<>();
            written.forEach(
                    (id, p) -> {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", id);
                        row.put("a", p.get("a"));
                        expected.put(id, row);
                    });
            assertEquals(expected, moved, "the written rows, and no refused one");
            assertEquals(JobStatus.RUNNING, job.status());
            assertEquals(0, faults.restores(), "the job never failed over");
        }
    }

    @Test
    void aColumnAddedByAMigrationIsWritableByTheNextVersionAtOnce() throws Exception {
        DB.execute(
                "DROP TABLE IF EXISTS refuse_wide",
                "CREATE TABLE refuse_wide (id VARCHAR(16) PRIMARY KEY, a VARCHAR(8), b VARCHAR(8))");
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("sink.tables.allowed", "refuse_wide");
            long rule = job.rules.insert("shop", "item", "main", "groovy", RULE, CONFIG, 0);
            job.start();
            send(job, "before", "a", "b");
            awaitRows(1);

            DB.execute("ALTER TABLE refuse_wide ADD COLUMN c VARCHAR(8)");
            job.rules.updateScript(rule, RULE.replace("b: p.b]", "b: p.b, c: 'new']"));
            // Events until the new version serves one (its row has c), then ten more.
            List<String> sent = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            int i = 0;
            while (DB.query("SELECT id FROM refuse_wide WHERE c = 'new'").isEmpty()
                    && job.dlq().all().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the new version never wrote column c");
                }
                String id = "n-" + i++;
                sent.add(id);
                send(job, id, "a", "b");
                JobFixture.sleep(100);
            }
            for (int j = 0; j < 10; j++) {
                String id = "after-" + j;
                sent.add(id);
                send(job, id, "a", "b");
            }
            // Every event is accounted for: a row, or a dead letter.
            deadline = System.nanoTime() + WAIT.toNanos();
            while (rows() - 1 + job.dlq().all().size() < sent.size()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("events neither written nor dead-lettered");
                }
                JobFixture.sleep(100);
            }
            assertEquals(
                    List.of(),
                    job.dlq().all().stream().map(TopicWatcher.Received::toString).toList(),
                    "no write of the new version was refused for its new column");
            assertEquals(
                    10,
                    DB.query("SELECT id FROM refuse_wide WHERE id LIKE 'after-%' AND c = 'new'")
                            .size());
        }
    }

    private static int rows() {
        return ((Number) DB.query("SELECT COUNT(*) AS n FROM refuse_wide").get(0).get("n"))
                .intValue();
    }

    /** Waits until the wide table has {@code n} rows. */
    private static void awaitRows(int n) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rows() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + n + " rows in refuse_wide within " + WAIT);
            }
            JobFixture.sleep(100);
        }
    }
}
