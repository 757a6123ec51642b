package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A task manager dies in the middle of the stream, taking every task of the job with it: the job
 * restarts from its last checkpoint on a fresh one, replays what came after, and the wide table
 * ends exactly as if nothing had happened (no row lost, none counted twice, no column older than it
 * should be).
 */
class TaskFailureITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * At least once, the alerts and metrics of replayed events come again (with the same values);
     * exactly once, a committed-only reader sees each once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void aLostTaskManagerRestartsFromTheCheckpointAndTheWideTableIsExact(
            String guarantee, @InjectMiniCluster MiniCluster cluster) throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(3000);
        try (JobFixture job =
                new JobFixture(KAFKA, DB).set("kafka.delivery.guarantee", guarantee)) {
            WrongbookWorkload.install(job);
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());
            long rowsAtFailure;
            try (WrongbookWorkload.Producer producer = workload.produce(job, 250)) {
                WrongbookWorkload.awaitLogRows(DB, 600, WAIT);
                // Kill only once a checkpoint holds part of the stream, so the restart restores
                // state (ctx.state counters, Kafka offsets, rules) rather than starting afresh.
                faults.awaitNewCheckpoints(1, WAIT);
                rowsAtFailure = WrongbookWorkload.logRows(DB);
                faults.replaceTaskManager();
                faults.awaitRestores(1, WAIT);
                producer.awaitAll(WAIT);
            }
            assertTrue(
                    rowsAtFailure < workload.events.size(),
                    "the failure came in the middle of the stream");
            workload.awaitExactTables(DB, WAIT);
            workload.awaitOutputs(job, guarantee.equals("exactly-once"), WAIT);
            assertEquals(List.of(), job.dlq().all(), "no event went to the dead-letter topic");
        }
    }
}
