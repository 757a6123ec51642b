package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.output.Messages;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules source against a real database reached through a TCP proxy, which the test stops and
 * starts to take the database away from the job (the shared server itself keeps running).
 */
class RulesSourceITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void deletingARuleRowStopsTheRule() throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("events.unrouted.dead-letter", "true");
            long id = job.rules.insert("shop", "gone", "ctx.metric('gone', 1, [:])\nreturn null");
            job.start();
            job.send("k", event("e-0", "shop", "gone", Map.of()));
            job.metrics().await(r -> "e-0".equals(r.json().get("eventId")), WAIT);

            job.rules.delete(id);
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int n = 1;
                    job.dlq()
                            .matching(
                                    r ->
                                            DeadLetterReason.NO_RULE
                                                    .name()
                                                    .equals(r.header(Messages.HEADER_REASON)))
                            .isEmpty();
                    n++) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the deleted rule still runs");
                }
                job.send("k", event("e-" + n, "shop", "gone", Map.of()));
                JobFixture.sleep(200);
            }
        }
    }

    @Test
    void theJobKeepsItsRulesWhileTheRulesDatabaseIsAwayForTenSeconds() throws Exception {
        URI direct = URI.create(DB.jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                JobFixture job = new JobFixture(KAFKA, DB)) {
            proxy.start();
            String proxied =
                    DB.jdbcUrl()
                            .replace(
                                    direct.getHost() + ":" + direct.getPort(),
                                    "127.0.0.1:" + proxy.port());
            job.set("rules.jdbc.url", proxied);
            long id = job.rules.insert("shop", "live", "ctx.metric('live', 1, [:])\nreturn null");
            job.start();

            proxy.stop();
            long outageEnds = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int n = 0;
            while (System.nanoTime() < outageEnds) {
                String eventId = "during-" + n++;
                job.send("k-" + n, event(eventId, "shop", "live", Map.of()));
                TopicWatcher.Received r =
                        job.metrics().await(m -> eventId.equals(m.json().get("eventId")), WAIT);
                assertEquals(1, ((Number) r.json().get("value")).intValue());
                JobFixture.sleep(500);
            }
            assertEquals(JobStatus.RUNNING, job.status());
            proxy.start();

            // Changes made after the database is back reach the job.
            job.rules.updateScript(id, "ctx.metric('live', 2, [:])\nreturn null");
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int m = 0;
                    job.metrics()
                            .matching(r -> ((Number) r.json().get("value")).intValue() == 2)
                            .isEmpty();
                    m++) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the update after the outage never reached the job");
                }
                job.send("k", event("after-" + m, "shop", "live", Map.of()));
                JobFixture.sleep(200);
            }
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }
}
