package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * What the failure tests ask of the MiniCluster running the job: its checkpoint statistics, and a
 * task manager that dies.
 */
final class ClusterFaults {
    private final MiniCluster cluster;
    private final JobID job;

    ClusterFaults(MiniCluster cluster, JobID job) {
        this.cluster = cluster;
        this.job = job;
    }

    CheckpointStatsSnapshot checkpoints() {
        try {
            return cluster.getExecutionGraph(job)
                    .get(10, TimeUnit.SECONDS)
                    .getCheckpointStatsSnapshot();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the checkpoint statistics", e);
        }
    }

    long completedCheckpoints() {
        CheckpointStatsSnapshot s = checkpoints();
        return s == null ? 0 : s.getCounts().getNumberOfCompletedCheckpoints();
    }

    /** Number of times the job was restored from a checkpoint. */
    long restores() {
        CheckpointStatsSnapshot s = checkpoints();
        return s == null ? 0 : s.getCounts().getNumberOfRestoredCheckpoints();
    }

    /** Takes a checkpoint now and waits until it completed (for jobs with a long interval). */
    void checkpointNow(Duration timeout) {
        try {
            cluster.triggerCheckpoint(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the checkpoint did not complete within " + timeout, e);
        }
    }

    /** Waits until {@code more} checkpoints completed after the call. */
    void awaitNewCheckpoints(int more, Duration timeout) {
        long target = completedCheckpoints() + more;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completedCheckpoints() < target) {
            if (System.nanoTime() > deadline) {
                fail("no new completed checkpoint within " + timeout);
            }
            JobFixture.sleep(100);
        }
    }

    /** Waits until the job was restored from a checkpoint at least {@code n} times. */
    void awaitRestores(long n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (restores() < n) {
            if (System.nanoTime() > deadline) {
                fail("the job was not restored from a checkpoint within " + timeout);
            }
            JobFixture.sleep(100);
        }
    }

    /**
     * The index of each cluster's live task manager: a MiniCluster keeps the ones it terminated in
     * its list, so a class's second test must kill the one its first test started.
     */
    private static final Map<MiniCluster, Integer> LIVE =
            Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * Kills the cluster's (one) live task manager with every task on it (as a lost machine would)
     * and starts a fresh one in its place, for the job to restart on.
     */
    void replaceTaskManager() throws Exception {
        int live = LIVE.getOrDefault(cluster, 0);
        cluster.terminateTaskManager(live).get(30, TimeUnit.SECONDS);
        cluster.startTaskManager();
        LIVE.put(cluster, live + 1);
    }
}
