package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An event just under the producer's 1 MiB request limit is dead-lettered: with the dead-letter
 * headers added, the record no longer fits. It must reach the topic cut to size (saying so, and
 * where the original is), and the job must go on — not fail on it at every restart.
 */
class OversizedDeadLetterITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Kafka's default max.request.size, which the test's producer and the job's share. */
    private static final int MAX_REQUEST = 1024 * 1024;

    @Test
    void aDeadLetterTooLargeForTheProducerIsCutToSizeAndTheJobGoesOn(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            // No rule serves type "blob": its events are dead letters (NO_RULE).
            job.set("events.unrouted.dead-letter", "true");
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());

            String prefix = event("big-1", "shop", "blob", Map.of("data", ""));
            // Fits the producer by about 150 bytes; the dead-letter headers add more than that.
            int size = MAX_REQUEST - 150 - "big".length();
            String json =
                    prefix.replace(
                            "\"data\":\"\"",
                            "\"data\":\"" + "x".repeat(size - prefix.length()) + "\"");
            assertEquals(size, json.getBytes(StandardCharsets.UTF_8).length);
            job.send("big", json);
            for (int i = 0; i < 5; i++) {
                job.send("small", event("small-" + i, "shop", "blob", Map.of()));
            }

            List<TopicWatcher.Received> dead =
                    job.dlq()
                            .awaitCount(
                                    r -> !r.header(Messages.HEADER_EVENT_ID).startsWith("probe-"),
                                    6,
                                    WAIT);
            TopicWatcher.Received big =
                    dead.stream()
                            .filter(r -> "big-1".equals(r.header(Messages.HEADER_EVENT_ID)))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no dead letter of big-1"));
            assertEquals(
                    Integer.toString(size),
                    big.header(Messages.HEADER_TRUNCATED),
                    "the header gives the original size: " + big.record().headers());
            byte[] value = big.record().value();
            assertTrue(value.length < size, "cut: " + value.length);
            assertTrue(value.length > size - 4096, "only as much as needed: " + value.length);
            assertArrayEquals(
                    Arrays.copyOf(json.getBytes(StandardCharsets.UTF_8), value.length),
                    value,
                    "the value is the start of the event");
            assertEquals(DeadLetterReason.NO_RULE.name(), big.header(Messages.HEADER_REASON));
            assertTrue(
                    big.header(Messages.HEADER_SOURCE).startsWith(job.eventsTopic + "-"),
                    "where the whole event is: " + big.header(Messages.HEADER_SOURCE));
            for (int i = 0; i < 5; i++) {
                String id = "small-" + i;
                TopicWatcher.Received small =
                        dead.stream()
                                .filter(r -> id.equals(r.header(Messages.HEADER_EVENT_ID)))
                                .findFirst()
                                .orElseThrow(() -> new AssertionError("no dead letter of " + id));
                assertEquals(null, small.header(Messages.HEADER_TRUNCATED));
            }
            assertEquals(JobStatus.RUNNING, job.status());
            assertEquals(0, faults.restores(), "the job never failed over");
            assertEquals(
                    1,
                    job.dlq()
                            .matching(r -> "big-1".equals(r.header(Messages.HEADER_EVENT_ID)))
                            .size());
        }
    }
}
