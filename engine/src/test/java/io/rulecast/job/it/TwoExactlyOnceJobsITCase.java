package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two exactly-once jobs with different {@code job.name}s on one cluster and one broker: their Kafka
 * producers use transactional ids of their own, so neither fences the other, and each delivers
 * every record, committed, without a restart.
 */
class TwoExactlyOnceJobsITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int EVENTS = 300;

    @Test
    void twoJobsOnOneClusterDoNotFenceEachOther(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        try (JobFixture first = job("first");
                JobFixture second = job("second")) {
            // Both rules tables are the class's one: one rule serves both jobs.
            first.rules.insert("shop", "order", "ctx.metric('seen', 1, [:])\nreturn null");
            first.start();
            ClusterFaults firstFaults = new ClusterFaults(cluster, first.jobId());
            // The first job is writing (inside a transaction) while the second one starts.
            Thread sender = new Thread(() -> send(first, "a-"), "first-sender");
            sender.start();
            try {
                first.metrics()
                        .awaitCount(
                                m -> String.valueOf(m.json().get("eventId")).startsWith("a-"),
                                10,
                                WAIT);
                // The probe rule is in the shared table already.
                second.startWithoutProbes();
                second.awaitProbes(WAIT);
                send(second, "b-");
            } finally {
                sender.join(WAIT.toMillis());
            }
            ClusterFaults secondFaults = new ClusterFaults(cluster, second.jobId());
            assertEquals(EVENTS, seen(first, "a-").size());
            assertEquals(EVENTS, seen(second, "b-").size());
            assertEquals(JobStatus.RUNNING, first.status());
            assertEquals(JobStatus.RUNNING, second.status());
            assertEquals(0, firstFaults.restores(), "the first job never restarted");
            assertEquals(0, secondFaults.restores(), "the second job never restarted");
        }
    }

    /** EVENTS events, one every 50 ms (while the other job starts, for the first one). */
    private static void send(JobFixture job, String prefix) {
        for (int i = 0; i < EVENTS; i++) {
            job.send("k-" + i, event(prefix + i, "shop", "order", Map.of()));
            JobFixture.sleep(50);
        }
    }

    private static JobFixture job(String name) {
        return new JobFixture(KAFKA, DB)
                .set("job.name", name)
                .set("kafka.delivery.guarantee", "exactly-once")
                .set("parallelism", "1")
                .set("checkpoint.interval", "1 s");
    }

    /** The event ids of committed metrics of events starting with {@code prefix}. */
    private static Set<String> seen(JobFixture job, String prefix) {
        Set<String> ids = new TreeSet<>();
        for (TopicWatcher.Received r :
                job.metrics()
                        .awaitCount(
                                m -> String.valueOf(m.json().get("eventId")).startsWith(prefix),
                                EVENTS,
                                WAIT)) {
            ids.add((String) r.json().get("eventId"));
        }
        return ids;
    }
}
