package io.rulecast.job.routing;

import static io.rulecast.job.routing.RoutingHarness.json;
import static io.rulecast.job.routing.RoutingHarness.onTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.CanarySplit;
import java.util.List;
import java.util.Map;
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
}
