package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.output.Messages;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rule deleted after the last checkpoint stays deleted when the job restores that checkpoint: the
 * restored broadcast state still holds the rule, and the rules source, which checkpointed what it
 * had emitted, sends the delete on its first read after the restore.
 */
class RulesRestoreITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aRuleDeletedAfterTheCheckpointDoesNotComeBackWithTheRestore(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("events.unrouted.dead-letter", "true")
                    // Checkpoints only when the test takes one.
                    .set("checkpoint.interval", "1 h");
            long gone =
                    job.rules.insert("shop", "gone", "ctx.metric('served', 1, [:])\nreturn null");
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());
            job.send("k", event("before", "shop", "gone", Map.of()));
            job.metrics().await(r -> "before".equals(r.json().get("eventId")), WAIT);
            faults.checkpointNow(WAIT);

            job.rules.delete(gone);
            String seenDeleted = awaitNoRule(job, "deleted-");

            faults.replaceTaskManager();
            faults.awaitRestores(1, WAIT);
            String afterRestore = awaitNoRule(job, "restored-");
            // Everything sent after the first NO_RULE is NO_RULE too, and nothing is served.
            for (int i = 0; i < 10; i++) {
                job.send("k-" + i, event("later-" + i, "shop", "gone", Map.of()));
            }
            job.dlq()
                    .awaitCount(
                            r ->
                                    String.valueOf(r.header(Messages.HEADER_EVENT_ID))
                                            .startsWith("later-"),
                            10,
                            WAIT);
            JobFixture.sleep(1000);
            List<String> served =
                    job.metrics().all().stream()
                            .map(r -> String.valueOf(r.json().get("eventId")))
                            .filter(id -> id.startsWith("later-") || id.equals(afterRestore))
                            .toList();
            assertEquals(List.of(), served, "the deleted rule served no event after the restore");
            assertEquals(
                    List.of(),
                    job.dlq()
                            .matching(
                                    r ->
                                            String.valueOf(r.header(Messages.HEADER_EVENT_ID))
                                                            .startsWith("later-")
                                                    && !DeadLetterReason.NO_RULE
                                                            .name()
                                                            .equals(
                                                                    r.header(
                                                                            Messages
                                                                                    .HEADER_REASON))),
                    "after " + seenDeleted);
        }
    }

    /**
     * Sends events of the deleted rule's type until one is dead-lettered NO_RULE; returns its id.
     */
    private static String awaitNoRule(JobFixture job, String prefix) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i = 0; ; i++) {
            String id = prefix + i;
            job.send("k", event(id, "shop", "gone", Map.of()));
            long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < until) {
                if (!job.dlq()
                        .matching(
                                r ->
                                        id.equals(r.header(Messages.HEADER_EVENT_ID))
                                                && DeadLetterReason.NO_RULE
                                                        .name()
                                                        .equals(r.header(Messages.HEADER_REASON)))
                        .isEmpty()) {
                    return id;
                }
                JobFixture.sleep(20);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "events of shop/gone are still served, "
                                + WAIT
                                + " after the rule was deleted; served: "
                                + job.metrics().all().size()
                                + " metrics");
            }
        }
    }
}
