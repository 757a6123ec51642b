package io.rulecast.job.routing;

import static io.rulecast.job.routing.RoutingHarness.json;
import static io.rulecast.job.routing.RoutingHarness.onTopic;
import static io.rulecast.job.routing.RoutingHarness.reason;
import static io.rulecast.job.routing.RoutingHarness.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.OutputMessage;
import io.rulecast.job.messages.Messages;
import io.rulecast.job.rules.RoutingRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routing function in Flink's operator harness: what needs no script to run. */
class RoutingFunctionTest {

    @Test
    void aVersionThatDoesNotCompileRaisesOneAlertAndDoesNotRun() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            RoutingRow bad = row(1, "order", "main", "return [", 0);
            h.rule(bad);
            List<OutputMessage> alerts = onTopic(h.messages(), "alerts");
            assertEquals(1, alerts.size());
            Map<String, Object> a = json(alerts.get(0));
            assertEquals(Messages.RULE_COMPILE_FAILED, a.get("code"));
            assertEquals("shop/order/main", a.get("rule"));
            assertEquals(bad.version(), a.get("version"));
            assertTrue(((Map<?, ?>) a.get("fields")).get("error") != null);

            h.event("k", "e-1", "shop", "order", Map.of());
            assertEquals(List.of(), h.writes());
        }
    }

    @Test
    void aRowOfUnknownLanguageIsACompileFailure() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(new RoutingRow(1, "shop", "order", "main", "python", "pass", null, true, 0, 0));
            Map<String, Object> a = json(onTopic(h.messages(), "alerts").get(0));
            assertTrue(a.get("message").toString().contains("unknown language"), a.toString());
        }
    }

    @Test
    void unroutedEventsGoToTheDeadLetterTopicWhenAskedTo() throws Exception {
        try (RoutingHarness h = new RoutingHarness(true, RoutingResources.none(), null)) {
            h.event("k", "e-1", "shop", "nobody", Map.of("a", 1));
            List<OutputMessage> dlq = onTopic(h.messages(), "dlq");
            assertEquals(1, dlq.size());
            assertEquals(Messages.NO_RULE, reason(dlq.get(0)));
            assertEquals("route", dlq.get(0).headers().get(Messages.HEADER_STAGE));
            assertEquals("e-1", dlq.get(0).headers().get(Messages.HEADER_EVENT_ID));
        }
        try (RoutingHarness h = new RoutingHarness()) {
            h.event("k", "e-1", "shop", "nobody", Map.of("a", 1));
            assertEquals(List.of(), h.messages(), "counted only, by default");
        }
    }
}
