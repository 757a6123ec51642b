package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.output.Messages;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A rule that keeps failing is cut off; others keep working; fixing it brings it back. */
class CircuitBreakerITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aFailingRuleOpensItsBreakerAndAnUpdateFixesIt() throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("breaker.failure-threshold", "3")
                    .set("breaker.failure-rate", "0.5")
                    .set("breaker.window", "60 s")
                    .set("breaker.cooldown", "10 min");
            long flaky =
                    job.rules.insert(
                            "shop",
                            "flaky",
                            "def x = 1 / event.payload.zero\nctx.metric('flaky', x, [:])\nreturn null");
            job.rules.insert("shop", "steady", "ctx.metric('steady', 1, [:])\nreturn null");
            job.start();

            for (int i = 0; i < 6; i++) {
                // One key: all of them reach the same routing instance and its breaker.
                job.send("same", event("f-" + i, "shop", "flaky", Map.of("zero", 0)));
                job.send("s-" + i, event("s-" + i, "shop", "steady", Map.of()));
            }
            TopicWatcher.Received open =
                    job.alerts()
                            .await(r -> Messages.CIRCUIT_OPEN.equals(r.json().get("code")), WAIT);
            assertEquals("shop/flaky/main", open.json().get("rule"));
            job.dlq().awaitCount(r -> "SCRIPT_ERROR".equals(reason(r)), 3, WAIT);
            job.dlq().awaitCount(r -> Messages.CIRCUIT_OPEN.equals(reason(r)), 3, WAIT);
            assertEquals(
                    3,
                    job.dlq().matching(r -> "SCRIPT_ERROR".equals(reason(r))).size(),
                    "after the third failure the rule no longer runs");
            job.metrics().awaitCount(r -> "steady".equals(r.json().get("name")), 6, WAIT);

            job.rules.updateScript(flaky, "ctx.metric('flaky', 1, [:])\nreturn null");
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int n = 0;
                    job.metrics().matching(r -> "flaky".equals(r.json().get("name"))).isEmpty();
                    n++) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "the fixed rule never ran; dead letters: " + job.dlq().all());
                }
                job.send("same", event("g-" + n, "shop", "flaky", Map.of("zero", 0)));
                JobFixture.sleep(200);
            }
        }
    }

    private static String reason(TopicWatcher.Received r) {
        return r.header(Messages.HEADER_REASON);
    }
}
