package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.output.Messages;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refused rows under load: 1,200 events sent as fast as the producer goes at parallelism 2, every
 * third of which makes a value too long for its column, so that most sink batches hold refused rows
 * among good ones. Every event ends up exactly once in one place — its row in the table, or its row
 * on the dead-letter topic with stage {@code sink} — and none twice.
 */
class SinkRefusalLoadITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final int EVENTS = 1_200;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String CONFIG = "{\"output_table\": \"refuse_load\"}";
    private static final String RULE =
            "def p = event.payload\nreturn [id: p.id, kind: p.n % 3 == 0 ? 'much-too-long' : 'ok']";

    @Test
    void everyEventIsARowOrASinkDeadLetterExactlyOnce() throws Exception {
        DB.execute(
                "DROP TABLE IF EXISTS refuse_load",
                "CREATE TABLE refuse_load (id VARCHAR(16) PRIMARY KEY, kind VARCHAR(8))");
        Set<String> good = new TreeSet<>();
        Set<String> bad = new TreeSet<>();
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("sink.tables.allowed", "refuse_load");
            job.rules.insert("shop", "item", "main", "groovy", RULE, CONFIG, 0);
            job.start();
            for (int i = 0; i < EVENTS; i++) {
                String id = "r-" + i;
                job.send(id, event("ev-" + id, "shop", "item", Map.of("id", id, "n", i)));
                (i % 3 == 0 ? bad : good).add(id);
            }
            job.dlq().awaitCount(r -> true, bad.size(), WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (rows() < good.size() && System.nanoTime() < deadline) {
                JobFixture.sleep(200);
            }
            JobFixture.sleep(3000); // time for a duplicate to show, if any
            Set<String> dead = new TreeSet<>();
            int deadRecords = 0;
            for (TopicWatcher.Received r : job.dlq().all()) {
                assertEquals("sink", r.header(Messages.HEADER_STAGE), r.toString());
                @SuppressWarnings("unchecked")
                Map<String, Object> row = (Map<String, Object>) r.json().get("row");
                dead.add((String) row.get("id"));
                deadRecords++;
            }
            Set<String> written = new TreeSet<>();
            DB.query("SELECT id FROM refuse_load").forEach(r -> written.add((String) r.get("id")));
            assertEquals(good, written, "the table holds exactly the good rows");
            assertEquals(bad, dead, "the dead-letter topic holds exactly the refused rows");
            assertEquals(bad.size(), deadRecords, "each refused row once");
        }
    }

    private static long rows() {
        return ((Number) DB.query("SELECT COUNT(*) AS c FROM refuse_load").get(0).get("c"))
                .longValue();
    }
}
