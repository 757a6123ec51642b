package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.runtime.VersionHash;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** New logic goes live with a plain SQL UPDATE; logic that does not compile never does. */
class HotUpdateITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String V1 = "ctx.metric('price_version', 1, [:])\nreturn null";
    private static final String V2 = "ctx.metric('price_version', 2, [:])\nreturn null";

    @Test
    void anUpdateChangesTheOutputsOfLaterEventsWithinThreeSeconds() throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            // The product's default poll interval, not a test-friendly one.
            job.settings.remove("rules.poll.interval");
            long id = job.rules.insert("shop", "price", V1);
            job.start();
            job.send("k", event("before", "shop", "price", Map.of()));
            assertEquals(1, value(job.metrics().await(r -> "before".equals(eventId(r)), WAIT)));

            job.rules.updateScript(id, V2);
            long committed = System.nanoTime();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread producer =
                    new Thread(
                            () -> {
                                for (int n = 0; sending.get(); n++) {
                                    job.send(
                                            "k-" + n,
                                            event("after-" + n, "shop", "price", Map.of()));
                                    JobFixture.sleep(20);
                                }
                            });
            producer.start();
            TopicWatcher.Received first;
            try {
                first =
                        job.metrics()
                                .await(r -> eventId(r).startsWith("after-") && value(r) == 2, WAIT);
            } finally {
                sending.set(false);
                producer.join();
            }
            long millis = (first.arrivedNanos() - committed) / 1_000_000;
            System.out.println("commit-to-first-new-output: " + millis + " ms");
            assertEquals(VersionHash.of("groovy", V2, null), first.json().get("version"));
            assertTrue(millis < 3000, "new version took " + millis + " ms to show");
        }
    }

    @Test
    void aScriptThatDoesNotCompileLeavesTheOldVersionServing() throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            long id = job.rules.insert("shop", "price", V1);
            job.start();
            String broken = "ctx.metric('price_version', 3, [:]\nreturn null";
            job.rules.updateScript(id, broken);

            TopicWatcher.Received alert =
                    job.alerts()
                            .await(
                                    r -> Messages.RULE_COMPILE_FAILED.equals(r.json().get("code")),
                                    WAIT);
            assertEquals("shop/price/main", alert.json().get("rule"));
            assertEquals(VersionHash.of("groovy", broken, null), alert.json().get("version"));
            assertEquals(
                    1,
                    job.alerts()
                            .matching(
                                    r -> Messages.RULE_COMPILE_FAILED.equals(r.json().get("code")))
                            .size());

            job.send("k", event("later", "shop", "price", Map.of()));
            TopicWatcher.Received m = job.metrics().await(r -> "later".equals(eventId(r)), WAIT);
            assertEquals(1, value(m));
            assertEquals(VersionHash.of("groovy", V1, null), m.json().get("version"));
        }
    }

    static String eventId(TopicWatcher.Received r) {
        return String.valueOf(r.json().get("eventId"));
    }

    static int value(TopicWatcher.Received r) {
        return ((Number) r.json().get("value")).intValue();
    }
}
