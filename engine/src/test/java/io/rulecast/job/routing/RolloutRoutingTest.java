package io.rulecast.job.routing;

import static io.rulecast.job.routing.RoutingHarness.json;
import static io.rulecast.job.routing.RoutingHarness.onTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.CanarySplit;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/** Rollout candidates in the routing function (operator harness): compile, shadow, canary. */
class RolloutRoutingTest {
    private static final String SHADOW_TOPIC = "rulecast.shadow";
    private static final String LIVE = "ctx.metric('v', 1, [:]); null";

    private static RoutingRow row(String candidate, String mode, Double percent) {
        return new RoutingRow(
                1, "shop", "order", "main", "groovy", LIVE, null, true, 0, 1000, "groovy",
                candidate, null, mode, percent);
    }

    @Test
    void aCandidateThatDoesNotCompileRaisesOneAlertAndTheLiveVersionServes() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(RoutingHarness.row(1, "order", "main", LIVE, 0));
            h.messages();
            RoutingRow bad = row("ctx.metric('v', ", "shadow", null);
            h.rule(bad);
            List<OutputMessage> alerts = onTopic(h.messages(), "alerts");
            assertEquals(1, alerts.size());
            Map<String, Object> a = json(alerts.get(0));
            assertEquals(Messages.RULE_COMPILE_FAILED, a.get("code"));
            assertEquals(bad.candidateVersion(), a.get("version"));
            Map<?, ?> fields = (Map<?, ?>) a.get("fields");
            assertEquals(true, fields.get("candidate"));
            assertEquals(bad.version(), fields.get("runningVersion"));

            // the same row again (a priority change): no second alert
            h.rule(
                    new RoutingRow(
                            1,
                            "shop",
                            "order",
                            "main",
                            "groovy",
                            LIVE,
                            null,
                            true,
                            5,
                            1001,
                            "groovy",
                            "ctx.metric('v', ",
                            null,
                            "shadow",
                            null));
            h.event("k", "e-1", "shop", "order", Map.of());
            List<OutputMessage> out = h.messages();
            assertEquals(List.of(), onTopic(out, "alerts"));
            assertEquals(1, onTopic(out, "metrics").size());
            assertEquals(List.of(), onTopic(out, SHADOW_TOPIC));
        }
    }

    @Test
    void aShadowCandidateAppliesNothingAndReportsEventsThatDiffer() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(
                    row(
                            "ctx.metric('v', event.payload.n > 1 ? 2 : 1, [:]);"
                                    + " ctx.alert('WARN', 'x', [:]); ctx.state.put('s', 1); null",
                            "shadow",
                            null));
            h.messages();
            h.event("k", "e-1", "shop", "order", Map.of("n", 1));
            h.event("k", "e-2", "shop", "order", Map.of("n", 2));
            List<OutputMessage> out = h.messages();
            assertEquals(2, onTopic(out, "metrics").size(), "live metrics only");
            assertEquals(List.of(), onTopic(out, "alerts"), "the candidate's alert is not applied");
            List<OutputMessage> shadow = onTopic(out, SHADOW_TOPIC);
            assertEquals(2, shadow.size(), "both differ: the candidate also alerts");
            Map<String, Object> r = json(shadow.get(1));
            assertEquals("e-2", r.get("eventId"));
            assertEquals(2, ((List<?>) r.get("candidate")).size());
            assertEquals("shop/order/main", new String(shadow.get(1).key()));
        }
    }

    @Test
    void aCanaryServesTheKeysOfItsShareWithTheCandidate() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(row("ctx.metric('v', 2, [:]); null", "canary", 50.0));
            h.messages();
            int candidate = 0;
            for (int i = 0; i < 40; i++) {
                String key = "k" + i;
                h.event(key, "e-" + i, "shop", "order", Map.of());
                Map<String, Object> m = json(onTopic(h.messages(), "metrics").get(0));
                int expected = CanarySplit.servesCandidate("shop/order/main", key, 50.0) ? 2 : 1;
                assertEquals(expected, ((Number) m.get("value")).intValue(), key);
                candidate += expected == 2 ? 1 : 0;
            }
            assertTrue(candidate > 0 && candidate < 40, "both versions served: " + candidate);
        }
    }

    private static final String FAILING = "throw new IllegalStateException('bad candidate')";

    /** A canary (all keys) whose candidate fails until it is aborted; the checkpoint after. */
    private static OperatorSubtaskState checkpointAfterAnAbort() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(row(FAILING, "canary", 100.0));
            h.messages();
            for (int i = 0; i < 20; i++) {
                h.event("k" + i, "e-" + i, "shop", "order", Map.of());
            }
            List<OutputMessage> out = h.messages();
            assertEquals(
                    1,
                    onTopic(out, "alerts").stream()
                            .filter(m -> Messages.ROLLOUT_ABORTED.equals(field(m, "code")))
                            .count());
            assertFalse(onTopic(out, "dlq").isEmpty(), "the candidate failed before its abort");
            h.event("k-live", "e-live", "shop", "order", Map.of());
            assertEquals(
                    List.of(1), metricValues(h.messages()), "aborted: the live version serves");
            return h.snapshot();
        }
    }

    /**
     * The abort is checkpointed: a restored instance does not give the failing candidate a second
     * round of live events (a failover would otherwise dead-letter them again).
     */
    @Test
    void aCanaryAbortedBeforeARestoreStaysAborted() throws Exception {
        try (RoutingHarness h =
                new RoutingHarness(
                        false, RoutingResources.none(), checkpointAfterAnAbort(), false)) {
            h.synced(1L);
            for (int i = 0; i < 10; i++) {
                h.event("r" + i, "r-" + i, "shop", "order", Map.of());
            }
            List<OutputMessage> out = h.messages();
            assertEquals(
                    List.of(), onTopic(out, "dlq"), "no event served by the aborted candidate");
            assertEquals(10, metricValues(out).stream().filter(v -> v == 1).count());
            assertEquals(
                    List.of(),
                    onTopic(out, "alerts").stream().map(m -> field(m, "code")).toList(),
                    "no second alert for the same abort");
        }
    }

    /** The abort is for that candidate: a new candidate version after the restore runs. */
    @Test
    void aNewCandidateAfterTheRestoreIsNotAborted() throws Exception {
        try (RoutingHarness h =
                new RoutingHarness(
                        false, RoutingResources.none(), checkpointAfterAnAbort(), false)) {
            h.rule(row("ctx.metric('v', 2, [:]); null", "canary", 100.0));
            h.synced(1L);
            h.event("n", "n-1", "shop", "order", Map.of());
            assertEquals(List.of(2), metricValues(h.messages()));
        }
    }

    private static List<Integer> metricValues(List<OutputMessage> out) {
        return onTopic(out, "metrics").stream()
                .map(m -> ((Number) field(m, "value")).intValue())
                .toList();
    }

    private static Object field(OutputMessage m, String name) {
        try {
            return json(m).get(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
