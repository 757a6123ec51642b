package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every rejected event reaches the dead-letter topic with its reason; the job keeps going. */
class DeadLetterITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void badEnvelopesAreDeadLetteredWithTheirOriginalBytesAndHeaders() throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.startWithoutProbes();
            job.send("k1", "{not json", Map.of("trace", "t-1"));
            job.send(
                    null,
                    "{\"domain\":\"shop\",\"type\":\"order\",\"timestamp\":1,\"payload\":{}}");

            TopicWatcher.Received malformed = job.dlq().await(r -> "k1".equals(r.key()), WAIT);
            assertEquals("{not json", malformed.value());
            assertEquals("t-1", malformed.header("trace"));
            assertEquals("parse", malformed.header(Messages.HEADER_STAGE));
            assertEquals("MALFORMED_JSON", malformed.header(Messages.HEADER_REASON));
            assertTrue(malformed.header(Messages.HEADER_MESSAGE).length() > 0);
            assertNull(malformed.header(Messages.HEADER_RULE));

            TopicWatcher.Received missing =
                    job.dlq()
                            .await(
                                    r -> "MISSING_FIELD".equals(r.header(Messages.HEADER_REASON)),
                                    WAIT);
            assertTrue(missing.value().contains("\"domain\":\"shop\""));
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }

    @Test
    void failingRulesAreDeadLetteredAndLaterEventsStillRun() throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            long id =
                    job.rules.insert(
                            "shop",
                            "order",
                            "def share = 100 / event.payload.parts\n"
                                    + "ctx.metric('share', share, [:])\n"
                                    + "return null");
            job.start();

            job.send("a", "{\"eventId\":");
            job.send(
                    "b",
                    "{\"eventId\":\"e-2\",\"domain\":\"shop\",\"type\":\"order\",\"payload\":{}}");
            job.send("c", event("e-3", "shop", "order", Map.of("parts", 0)));
            job.send("d", event("e-4", "shop", "order", Map.of("parts", 4)));

            assertEquals(
                    "MALFORMED_JSON",
                    job.dlq().await(r -> "a".equals(r.key()), WAIT).header(Messages.HEADER_REASON));
            assertEquals(
                    "MISSING_FIELD",
                    job.dlq().await(r -> "b".equals(r.key()), WAIT).header(Messages.HEADER_REASON));
            TopicWatcher.Received failed = job.dlq().await(r -> "c".equals(r.key()), WAIT);
            assertEquals("SCRIPT_ERROR", failed.header(Messages.HEADER_REASON));
            assertEquals("rule", failed.header(Messages.HEADER_STAGE));
            assertEquals("shop/order/main", failed.header(Messages.HEADER_RULE));
            assertEquals(versionOf(job, id), failed.header(Messages.HEADER_VERSION));
            assertEquals("e-3", failed.header(Messages.HEADER_EVENT_ID));

            TopicWatcher.Received ok =
                    job.metrics().await(r -> "e-4".equals(r.json().get("eventId")), WAIT);
            assertEquals(25, ((Number) ok.json().get("value")).intValue());
            assertEquals("shop/order/main", ok.json().get("rule"));
            assertEquals(versionOf(job, id), ok.json().get("version"));

            // Later good events are processed too.
            job.send("e", event("e-5", "shop", "order", Map.of("parts", 5)));
            job.metrics().await(r -> "e-5".equals(r.json().get("eventId")), WAIT);
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }

    static String versionOf(JobFixture job, long id) {
        Map<String, Object> row =
                job.db
                        .query(
                                "SELECT language, script, config_json FROM routing_configs WHERE id = "
                                        + id)
                        .get(0);
        return io.rulecast.runtime.VersionHash.of(
                (String) row.get("language"),
                (String) row.get("script"),
                (String) row.get("config_json"));
    }
}
