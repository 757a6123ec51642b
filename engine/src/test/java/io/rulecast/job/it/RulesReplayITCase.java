package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.rulecast.job.output.Messages;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events replayed after a restore are not served by a rule deleted after the checkpoint (issue 13,
 * gap 1): the restored routing instances hold them until the rules source's first read since the
 * restore, which deletes the rule, and then dead-letter them {@code NO_RULE}, as the job did before
 * the failure.
 *
 * <p>The rules database is reached through a proxy that, from just before the failure, opens new
 * connections only after a few seconds: the restored rules source's first read comes that late,
 * while the events are replayed at once — the window in which a restored rule used to serve them.
 */
class RulesReplayITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TABLE = "replay_wide";
    private static final int REPLAYED = 100;

    @Test
    void eventsReplayedAfterARestoreAreNotServedByARuleDeletedAfterTheCheckpoint(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        URI direct = URI.create(DB.jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                JobFixture job = new JobFixture(KAFKA, DB)) {
            proxy.start();
            DB.execute(
                    "DROP TABLE IF EXISTS " + TABLE,
                    "CREATE TABLE " + TABLE + " (event_id VARCHAR(64) PRIMARY KEY, v INT)");
            job.set(
                            "rules.jdbc.url",
                            DB.jdbcUrl()
                                    .replace(
                                            direct.getHost() + ":" + direct.getPort(),
                                            "127.0.0.1:" + proxy.port()))
                    .set("sink.jdbc.url", DB.jdbcUrl())
                    .set("sink.tables.allowed", TABLE)
                    .set("events.unrouted.dead-letter", "true")
                    // Checkpoints only when the test takes one.
                    .set("checkpoint.interval", "1 h");
            long gone =
                    job.rules.insert(
                            "shop",
                            "gone",
                            "ctx.upsert('"
                                    + TABLE
                                    + "', [event_id: event.eventId, v: 1])\n"
                                    + "return null");
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());
            job.send("k", event("before", "shop", "gone", Map.of()));
            awaitRows(List.of("before"));
            faults.checkpointNow(WAIT);

            // After the checkpoint: the rule is deleted, and its events are dead-lettered NO_RULE
            // (the first "deleted-" ones may still have been served before the delete arrived).
            job.rules.delete(gone);
            List<String> replayed = new ArrayList<>();
            awaitNoRule(job, replayed);
            for (int i = 0; i < REPLAYED; i++) {
                String id = "replayed-" + i;
                replayed.add(id);
                job.send("key-" + (i % 10), event(id, "shop", "gone", Map.of()));
            }
            awaitNoRuleCounts(
                    job, replayed.subList(replayed.size() - REPLAYED, replayed.size()), 1);
            List<String> servedBefore = rows();
            Map<String, Integer> deadBefore = noRuleCounts(job);

            // The restored rules source will read the database seconds after the replay began.
            proxy.delayNewConnections(Duration.ofSeconds(4));
            faults.replaceTaskManager();
            faults.awaitRestores(1, WAIT);

            // Every replayed event is dead-lettered NO_RULE once more, and none reached the table.
            awaitNoRuleCounts(job, replayed, deadBefore);
            JobFixture.sleep(1000);
            List<String> servedAfter = new ArrayList<>(rows());
            servedAfter.removeAll(servedBefore);
            assertEquals(
                    List.of(),
                    servedAfter,
                    "rows of events replayed after the restore: the deleted rule served them");
            assertEquals(
                    List.of(),
                    job
                            .dlq()
                            .matching(
                                    r ->
                                            replayed.contains(
                                                            String.valueOf(
                                                                    r.header(
                                                                            Messages
                                                                                    .HEADER_EVENT_ID)))
                                                    && !DeadLetterReason.NO_RULE
                                                            .name()
                                                            .equals(
                                                                    r.header(
                                                                            Messages
                                                                                    .HEADER_REASON)))
                            .stream()
                            .map(r -> r.header(Messages.HEADER_REASON))
                            .toList(),
                    "the replayed events' only dead-letter reason is NO_RULE");
        }
    }

    /** Sends events of shop/gone (adding their ids to sent) until one is dead-lettered NO_RULE. */
    private static void awaitNoRule(JobFixture job, List<String> sent) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i = 0; ; i++) {
            String id = "deleted-" + i;
            sent.add(id);
            job.send("k", event(id, "shop", "gone", Map.of()));
            long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < until) {
                if (noRuleCounts(job).containsKey(id)) {
                    return;
                }
                JobFixture.sleep(20);
            }
            if (System.nanoTime() > deadline) {
                fail("events of shop/gone are still served " + WAIT + " after the delete");
            }
        }
    }

    /** Waits until each of {@code ids} has at least {@code n} NO_RULE dead letters. */
    private static void awaitNoRuleCounts(JobFixture job, List<String> ids, int n) {
        Map<String, Integer> none = new HashMap<>();
        ids.forEach(id -> none.put(id, n - 1));
        awaitNoRuleCounts(job, ids, none);
    }

    /** Waits until each of {@code ids} has one NO_RULE dead letter more than it had before. */
    private static void awaitNoRuleCounts(
            JobFixture job, List<String> ids, Map<String, Integer> before) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Map<String, Integer> counts = noRuleCounts(job);
            List<String> short_ =
                    ids.stream()
                            .filter(
                                    id ->
                                            counts.getOrDefault(id, 0)
                                                    < before.getOrDefault(id, 0) + 1)
                            .toList();
            if (short_.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(
                        short_.size()
                                + " of "
                                + ids.size()
                                + " events lack a NO_RULE dead letter after "
                                + WAIT
                                + " (e.g. "
                                + short_.subList(0, Math.min(5, short_.size()))
                                + "); rows in "
                                + TABLE
                                + ": "
                                + rows().size());
            }
            JobFixture.sleep(200);
        }
    }

    private static Map<String, Integer> noRuleCounts(JobFixture job) {
        Map<String, Integer> counts = new HashMap<>();
        for (TopicWatcher.Received r : job.dlq().all()) {
            if (DeadLetterReason.NO_RULE.name().equals(r.header(Messages.HEADER_REASON))) {
                counts.merge(String.valueOf(r.header(Messages.HEADER_EVENT_ID)), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static void awaitRows(List<String> expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!rows().equals(expected)) {
            if (System.nanoTime() > deadline) {
                fail("rows " + rows() + ", expected " + expected);
            }
            JobFixture.sleep(100);
        }
    }

    /** The event ids in the wide table, sorted. */
    private static List<String> rows() {
        TreeMap<String, Object> ids = new TreeMap<>();
        for (Map<String, Object> row : DB.query("SELECT event_id FROM " + TABLE)) {
            ids.put(String.valueOf(row.get("event_id")), row);
        }
        return List.copyOf(ids.keySet());
    }
}
