package io.rulecast.job.routing;

import static io.rulecast.job.routing.RoutingHarness.json;
import static io.rulecast.job.routing.RoutingHarness.onTopic;
import static io.rulecast.job.routing.RoutingHarness.reason;
import static io.rulecast.job.routing.RoutingHarness.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.DeadLetterReason;
import java.time.Duration;
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
            assertEquals(DeadLetterReason.NO_RULE.name(), reason(dlq.get(0)));
            assertEquals("route", dlq.get(0).headers().get(Messages.HEADER_STAGE));
            assertEquals("e-1", dlq.get(0).headers().get(Messages.HEADER_EVENT_ID));
        }
        try (RoutingHarness h = new RoutingHarness()) {
            h.event("k", "e-1", "shop", "nobody", Map.of("a", 1));
            assertEquals(List.of(), h.messages(), "counted only, by default");
        }
    }

    @Test
    void rulesOfAnEventTypeRunInPriorityOrder() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(row(1, "order", "low", "ctx.metric('low', 1, [:]); null", 1));
            h.rule(row(2, "order", "high", "ctx.metric('high', 1, [:]); null", 9));
            h.rule(row(3, "other", "main", "ctx.metric('other', 1, [:]); null", 5));
            h.event("k", "e-1", "shop", "order", Map.of());
            List<String> names = new java.util.ArrayList<>();
            for (OutputMessage m : onTopic(h.messages(), "metrics")) {
                names.add((String) json(m).get("name"));
                assertEquals("e-1", json(m).get("eventId"));
            }
            assertEquals(List.of("high", "low"), names);
        }
    }

    @Test
    void aScriptFailureDeadLettersTheEventForThatRuleOnly() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            RoutingRow failing =
                    row(
                            1,
                            "order",
                            "a",
                            "def x = 100 / event.payload.parts\nctx.metric('a', x, [:]); null",
                            2);
            h.rule(failing);
            h.rule(row(2, "order", "b", "ctx.metric('b', 1, [:]); null", 1));
            h.event("k", "e-1", "shop", "order", Map.of("parts", 0));
            List<OutputMessage> out = h.messages();
            List<OutputMessage> dlq = onTopic(out, "dlq");
            assertEquals(1, dlq.size());
            assertEquals("SCRIPT_ERROR", reason(dlq.get(0)));
            assertEquals("shop/order/a", dlq.get(0).headers().get(Messages.HEADER_RULE));
            assertEquals(failing.version(), dlq.get(0).headers().get(Messages.HEADER_VERSION));
            assertEquals(List.of("b"), onTopic(out, "metrics").stream().map(m -> name(m)).toList());

            h.event("k", "e-2", "shop", "order", Map.of("parts", 4));
            out = h.messages();
            assertEquals(List.of(), onTopic(out, "dlq"));
            Map<String, Object> a = json(onTopic(out, "metrics").get(0));
            assertEquals(25, ((Number) a.get("value")).intValue());
        }
    }

    @Test
    void aNewVersionReplacesTheRunningOneButABadOneDoesNot() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            RoutingRow v1 = row(1, "order", "main", "ctx.metric('v', 1, [:]); null", 0);
            h.rule(v1);
            RoutingRow v2 = row(1, "order", "main", "ctx.metric('v', 2, [:]); null", 0);
            h.rule(v2);
            h.messages();
            h.rule(row(1, "order", "main", "ctx.metric('v', ", 0));
            assertEquals(
                    Messages.RULE_COMPILE_FAILED,
                    json(onTopic(h.messages(), "alerts").get(0)).get("code"));
            h.event("k", "e-1", "shop", "order", Map.of());
            Map<String, Object> m = json(onTopic(h.messages(), "metrics").get(0));
            assertEquals(2, ((Number) m.get("value")).intValue());
            assertEquals(v2.version(), m.get("version"));
        }
    }

    @Test
    void disabledAndDeletedRulesStop() throws Exception {
        try (RoutingHarness h = new RoutingHarness(true, RoutingResources.none(), null)) {
            RoutingRow r = row(1, "order", "main", "ctx.metric('v', 1, [:]); null", 0);
            h.rule(r);
            h.rule(
                    new RoutingRow(
                            1, "shop", "order", "main", "groovy", r.script(), null, false, 0, 2));
            h.event("k", "e-1", "shop", "order", Map.of());
            assertEquals(
                    DeadLetterReason.NO_RULE.name(), reason(onTopic(h.messages(), "dlq").get(0)));
            h.rule(r);
            h.event("k", "e-2", "shop", "order", Map.of());
            assertEquals(1, onTopic(h.messages(), "metrics").size());
            h.delete(r);
            h.event("k", "e-3", "shop", "order", Map.of());
            assertEquals(
                    DeadLetterReason.NO_RULE.name(), reason(onTopic(h.messages(), "dlq").get(0)));
        }
    }

    @Test
    void theBreakerOpensAlertsDeadLettersAndANewVersionResetsIt() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            // RoutingHarness.BREAKER: opens at 3 failures, cools down for an hour.
            h.rule(row(1, "order", "main", "throw new RuntimeException('always')", 0));
            for (int i = 0; i < 5; i++) {
                h.event("k", "e-" + i, "shop", "order", Map.of());
            }
            List<OutputMessage> out = h.messages();
            List<String> reasons =
                    onTopic(out, "dlq").stream().map(RoutingHarness::reason).toList();
            assertEquals(
                    List.of(
                            "SCRIPT_ERROR",
                            "SCRIPT_ERROR",
                            "SCRIPT_ERROR",
                            "CIRCUIT_OPEN",
                            "CIRCUIT_OPEN"),
                    reasons);
            List<OutputMessage> alerts = onTopic(out, "alerts");
            assertEquals(1, alerts.size());
            assertEquals(Messages.CIRCUIT_OPEN, json(alerts.get(0)).get("code"));
            assertEquals("shop/order/main", json(alerts.get(0)).get("rule"));

            h.rule(row(1, "order", "main", "ctx.metric('fixed', 1, [:]); null", 0));
            h.event("k", "e-9", "shop", "order", Map.of());
            out = h.messages();
            assertEquals(List.of(), onTopic(out, "dlq"));
            assertEquals("fixed", name(onTopic(out, "metrics").get(0)));
        }
    }

    @Test
    void writesToTablesOffTheAllowListFailTheInvocation() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(
                    row(
                            1,
                            "order",
                            "main",
                            "ctx.metric('before', 1, [:])\n[id: 1]",
                            "{\"output_table\":\"secret\"}",
                            0));
            h.event("k", "e-1", "shop", "order", Map.of());
            List<OutputMessage> out = h.messages();
            assertEquals(List.of(), h.writes());
            assertEquals(List.of(), onTopic(out, "metrics"), "all or nothing");
            OutputMessage dead = onTopic(out, "dlq").get(0);
            assertEquals(DeadLetterReason.BAD_OUTPUT.name(), reason(dead));
            assertTrue(dead.headers().get(Messages.HEADER_MESSAGE).contains("secret"));
        }
    }

    @Test
    void stateIsKeptPerKeyAndAFailedInvocationLeavesItUntouched() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(
                    row(
                            1,
                            "order",
                            "main",
                            "def n = ctx.state.incr('n', 1)\n"
                                    + "if (event.payload.fail) throw new RuntimeException('x')\n"
                                    + "ctx.metric('n', n, [:]); null",
                            0));
            h.event("a", "e-1", "shop", "order", Map.of());
            h.event("a", "e-2", "shop", "order", Map.of("fail", true));
            h.event("a", "e-3", "shop", "order", Map.of());
            h.event("b", "e-4", "shop", "order", Map.of());
            List<Integer> values =
                    onTopic(h.messages(), "metrics").stream()
                            .map(m -> ((Number) jsonOf(m).get("value")).intValue())
                            .toList();
            assertEquals(List.of(1, 2, 1), values);
        }
    }

    @Test
    void aRestoredInstanceRunsTheRulesOfItsCheckpoint() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        RoutingRow r = row(1, "order", "main", "ctx.metric('v', 1, [:]); null", 0);
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(r);
            snapshot = h.snapshot();
        }
        try (RoutingHarness h = new RoutingHarness(false, RoutingResources.none(), snapshot)) {
            h.event("k", "e-1", "shop", "order", Map.of());
            Map<String, Object> m = json(onTopic(h.messages(), "metrics").get(0));
            assertEquals(r.version(), m.get("version"));
        }
    }

    /** A Groovy engine that compiles nothing, as a stricter sandbox after an upgrade might. */
    private static final class RefusingGroovy implements io.rulecast.runtime.spi.ScriptEngine {
        @Override
        public io.rulecast.runtime.Language language() {
            return io.rulecast.runtime.Language.GROOVY;
        }

        @Override
        public io.rulecast.runtime.spi.CompiledScript compile(String script, String sourceName)
                throws io.rulecast.runtime.CompileException {
            throw new io.rulecast.runtime.CompileException(1, 1, "refused by the new sandbox");
        }
    }

    /**
     * A Groovy engine whose scripts spin in Java (which no cancel reaches) for 800 ms when the
     * event's id is "stuck": with a 50 ms timeout, the thread is stuck after 500 ms.
     */
    private static final class SpinningGroovy implements io.rulecast.runtime.spi.ScriptEngine {
        @Override
        public io.rulecast.runtime.Language language() {
            return io.rulecast.runtime.Language.GROOVY;
        }

        @Override
        public io.rulecast.runtime.spi.CompiledScript compile(String script, String sourceName) {
            return (event, ctx) -> {
                if ("stuck".equals(event.get("eventId"))) {
                    long end = System.nanoTime() + 800_000_000L;
                    while (System.nanoTime() - end < 0) {
                        Thread.onSpinWait();
                    }
                }
                return null;
            };
        }
    }

    @Test
    void aRuleThatKeepsTheThreadTenTimesItsTimeoutRaisesRuleStuck() throws Exception {
        RuntimeFactory spinning =
                options ->
                        new io.rulecast.runtime.ScriptRuntime(
                                options, List.of(new SpinningGroovy()));
        try (RoutingHarness h =
                new RoutingHarness(
                        true,
                        RoutingResources.none(),
                        null,
                        true,
                        spinning,
                        Duration.ofMillis(50))) {
            h.rule(row(1, "order", "main", "null", 0));
            // Past the version's cold runs, which have a longer budget.
            for (int i = 0; i < 3; i++) {
                h.event("k", "warm-" + i, "shop", "order", Map.of());
            }
            h.event("k", "stuck", "shop", "order", Map.of());
            List<OutputMessage> messages = h.messages();
            List<OutputMessage> alerts = onTopic(messages, "alerts");
            assertEquals(1, alerts.size(), messages.toString());
            Map<String, Object> alert = json(alerts.get(0));
            assertEquals(Messages.RULE_STUCK, alert.get("code"));
            assertEquals("shop/order/main", alert.get("rule"));
            assertEquals("stuck", alert.get("eventId"));
            assertEquals(
                    List.of("TIMEOUT"),
                    onTopic(messages, "dlq").stream().map(RoutingHarness::reason).toList());
        }
    }

    @Test
    void aRestoredRuleThatNoLongerCompilesRaisesTheCompileAlert() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        RoutingRow r = row(1, "order", "main", "ctx.metric('v', 1, [:]); null", 0);
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(r);
            snapshot = h.snapshot();
        }
        RuntimeFactory refusing =
                options ->
                        new io.rulecast.runtime.ScriptRuntime(
                                options, List.of(new RefusingGroovy()));
        try (RoutingHarness h =
                new RoutingHarness(true, RoutingResources.none(), snapshot, true, refusing)) {
            h.event("k", "e-1", "shop", "order", Map.of());
            List<OutputMessage> messages = h.messages();
            List<OutputMessage> alerts = onTopic(messages, "alerts");
            assertEquals(1, alerts.size(), messages.toString());
            Map<String, Object> alert = json(alerts.get(0));
            assertEquals(Messages.RULE_COMPILE_FAILED, alert.get("code"));
            assertEquals(r.version(), alert.get("version"));
            assertEquals("shop/order/main", alert.get("rule"));
            // The rule does not run: its event is unrouted.
            assertEquals(
                    List.of(DeadLetterReason.NO_RULE.name()),
                    onTopic(messages, "dlq").stream().map(RoutingHarness::reason).toList());
        }
    }

    private static String name(OutputMessage m) {
        return (String) jsonOf(m).get("name");
    }

    private static Map<String, Object> jsonOf(OutputMessage m) {
        try {
            return json(m);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eventsBeforeTheFirstRulesSnapshotWaitForItInsteadOfBeingUnrouted() throws Exception {
        try (RoutingHarness h = new RoutingHarness(true, RoutingResources.none(), null, false)) {
            h.event("k", "e-1", "shop", "order", Map.of());
            h.event("k", "e-2", "shop", "order", Map.of());
            h.event("other", "e-3", "shop", "order", Map.of());
            h.advanceProcessingTime(500);
            assertEquals(
                    List.of(), h.messages(), "nothing is taken for unrouted, nothing runs yet");

            h.rule(row(1, "order", "main", "ctx.metric('seen', 1, [:]); null", 0));
            h.synced();
            h.event(
                    "k", "e-4", "shop", "order",
                    Map.of()); // must come after e-1 and e-2 of its key
            h.advanceProcessingTime(500);
            List<Object> ids = new java.util.ArrayList<>();
            for (OutputMessage m : h.messages()) {
                assertEquals("metrics", m.topic(), "only metrics, no dead letter: " + json(m));
                ids.add(json(m).get("eventId"));
            }
            assertEquals(4, ids.size(), ids.toString());
            assertTrue(
                    ids.indexOf("e-1") < ids.indexOf("e-2")
                            && ids.indexOf("e-2") < ids.indexOf("e-4"),
                    "per-key order kept: " + ids);

            h.event("k", "e-5", "shop", "order", Map.of()); // routed at once now
            assertEquals(1, onTopic(h.messages(), "metrics").size());
        }
    }
}
