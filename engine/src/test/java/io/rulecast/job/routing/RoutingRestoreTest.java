package io.rulecast.job.routing;

import static io.rulecast.job.routing.RoutingHarness.json;
import static io.rulecast.job.routing.RoutingHarness.onTopic;
import static io.rulecast.job.routing.RoutingHarness.reason;
import static io.rulecast.job.routing.RoutingHarness.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.DeadLetterReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/**
 * A routing instance restored from a checkpoint (issue 13, gaps 1 and 6): its restored rules serve
 * nothing before the rules source's first read since the restore, which removes the rules the
 * database no longer has; the events it holds keep their order across the restore; and holding is
 * bounded.
 */
class RoutingRestoreTest {
    private static final String SCRIPT = "ctx.metric('v', 1, [:]); null";
    private static final RoutingRow GONE = row(1, "gone", "main", SCRIPT, 0);
    private static final RoutingRow KEPT = row(2, "order", "main", SCRIPT, 0);

    /** KEPT with a new script: a new version, changed after the checkpoint. */
    private static final RoutingRow KEPT_V2 =
            row(2, "order", "main", "ctx.metric('v', 2, [:]); null", 0);

    private static OperatorSubtaskState checkpointWithBothRules() throws Exception {
        try (RoutingHarness h = new RoutingHarness()) {
            h.rule(GONE);
            h.rule(KEPT);
            return h.snapshot();
        }
    }

    private static RoutingHarness restored(OperatorSubtaskState s) throws Exception {
        return new RoutingHarness(true, RoutingResources.none(), s, false);
    }

    /** The source's first read sent only differences: a delete and a new version. */
    @Test
    void restoredRulesServeNothingUntilTheFirstReadWhichDeletesAndUpdatesThem() throws Exception {
        try (RoutingHarness h = restored(checkpointWithBothRules())) {
            h.event("k", "g-1", "shop", "gone", Map.of());
            h.event("k", "o-1", "shop", "order", Map.of());
            h.advanceProcessingTime(500);
            assertEquals(
                    "[]", describe(h.messages()), "no restored rule serves before the first read");

            h.delete(GONE);
            h.rule(KEPT_V2);
            h.synced(KEPT.id());
            h.advanceProcessingTime(500);
            assertServedByTheDatabasesRows(h.messages());
        }
    }

    /**
     * The source's first read sent every row but no delete (e.g. a source that restored nothing):
     * the marker's row ids alone remove the deleted rule, from the broadcast state too.
     */
    @Test
    void aFirstReadWithoutDeletesStillRemovesRestoredRulesTheDatabaseNoLongerHas()
            throws Exception {
        OperatorSubtaskState after;
        try (RoutingHarness h = restored(checkpointWithBothRules())) {
            h.event("k", "g-1", "shop", "gone", Map.of());
            h.event("k", "o-1", "shop", "order", Map.of());
            h.rule(KEPT_V2);
            h.synced(KEPT.id());
            h.advanceProcessingTime(500);
            assertServedByTheDatabasesRows(h.messages());
            after = h.snapshot();
        }
        try (RoutingHarness h = new RoutingHarness(true, RoutingResources.none(), after)) {
            h.event("k", "g-2", "shop", "gone", Map.of());
            assertEquals(
                    List.of(DeadLetterReason.NO_RULE.name()),
                    onTopic(h.messages(), "dlq").stream().map(RoutingHarness::reason).toList(),
                    "the deleted rule is not in the next checkpoint either");
        }
    }

    private static void assertServedByTheDatabasesRows(List<OutputMessage> messages)
            throws Exception {
        List<OutputMessage> dlq = onTopic(messages, "dlq");
        assertEquals(1, dlq.size(), describe(messages));
        assertEquals(DeadLetterReason.NO_RULE.name(), reason(dlq.get(0)));
        assertEquals("g-1", dlq.get(0).headers().get(Messages.HEADER_EVENT_ID));
        List<OutputMessage> metrics = onTopic(messages, "metrics");
        assertEquals(1, metrics.size(), describe(messages));
        assertEquals("o-1", json(metrics.get(0)).get("eventId"));
        assertEquals(KEPT_V2.version(), json(metrics.get(0)).get("version"));
    }

    @Test
    void heldEventsKeepTheirOrderAcrossARestore() throws Exception {
        OperatorSubtaskState s;
        try (RoutingHarness h = new RoutingHarness(true, RoutingResources.none(), null, false)) {
            h.rule(KEPT);
            h.event("k", "e-1", "shop", "order", Map.of());
            h.event("k", "e-2", "shop", "order", Map.of());
            s = h.snapshot();
        }
        try (RoutingHarness h = restored(s)) {
            h.synced(KEPT.id());
            // Before the restored timer released e-1 and e-2: e-3 must queue behind them.
            h.event("k", "e-3", "shop", "order", Map.of());
            h.advanceProcessingTime(500);
            h.event("k", "e-4", "shop", "order", Map.of());
            assertEquals(List.of("e-1", "e-2", "e-3", "e-4"), metricEventIds(h.messages()));
        }
    }

    @Test
    void holdingIsBoundedTheExcessIsDeadLetteredAndTheOperatorAlerted() throws Exception {
        try (RoutingHarness h = bounded(null, 3)) {
            h.event("k", "e-1", "shop", "order", Map.of());
            h.event("k", "e-2", "shop", "order", Map.of());
            h.event("other", "e-3", "shop", "order", Map.of());
            h.event("k", "e-4", "shop", "order", Map.of());
            h.event("other", "e-5", "shop", "order", Map.of());
            List<OutputMessage> messages = h.messages();
            assertEquals(
                    List.of("e-4", "e-5"),
                    onTopic(messages, "dlq").stream()
                            .peek(
                                    m ->
                                            assertEquals(
                                                    DeadLetterReason.RULES_NOT_READY.name(),
                                                    reason(m)))
                            .map(m -> m.headers().get(Messages.HEADER_EVENT_ID))
                            .toList());
            List<OutputMessage> alerts = onTopic(messages, "alerts");
            assertEquals(1, alerts.size(), describe(messages));
            Map<String, Object> full = json(alerts.get(0));
            assertEquals(Messages.RULES_NOT_SYNCED, full.get("code"));
            assertEquals("ERROR", full.get("level"));
            assertEquals(3, ((Number) fields(full).get("held")).intValue());

            // Still no rules after routing.hold.alert-after: one more alert, then quiet.
            h.advanceProcessingTime(1500);
            h.advanceProcessingTime(1500);
            alerts = onTopic(h.messages(), "alerts");
            assertEquals(1, alerts.size(), describe(alerts));
            Map<String, Object> late = json(alerts.get(0));
            assertEquals(Messages.RULES_NOT_SYNCED, late.get("code"));
            assertEquals("WARN", late.get("level"));

            h.rule(KEPT);
            h.synced(KEPT.id());
            h.advanceProcessingTime(500);
            h.event("k", "e-6", "shop", "order", Map.of());
            List<String> served = metricEventIds(h.messages());
            assertEquals(4, served.size(), served.toString());
            assertEquals(
                    List.of("e-1", "e-2", "e-6"),
                    served.stream().filter(i -> !i.equals("e-3")).toList());
        }
    }

    @Test
    void eventsHeldAcrossARestoreCountTowardsTheBound() throws Exception {
        OperatorSubtaskState s;
        try (RoutingHarness h = bounded(null, 3)) {
            h.event("k", "e-1", "shop", "order", Map.of());
            h.event("k", "e-2", "shop", "order", Map.of());
            s = h.snapshot();
        }
        try (RoutingHarness h = bounded(s, 3)) {
            h.rule(KEPT); // the first rules record after the restore counts what is held
            h.event("k", "e-3", "shop", "order", Map.of());
            h.event("k", "e-4", "shop", "order", Map.of());
            List<OutputMessage> messages = h.messages();
            assertEquals(
                    List.of("e-4"),
                    onTopic(messages, "dlq").stream()
                            .map(m -> m.headers().get(Messages.HEADER_EVENT_ID))
                            .toList());
            h.synced(KEPT.id());
            h.advanceProcessingTime(500);
            assertEquals(List.of("e-1", "e-2", "e-3"), metricEventIds(h.messages()));
        }
    }

    private static RoutingHarness bounded(OperatorSubtaskState restore, int maxEvents)
            throws Exception {
        return new RoutingHarness(
                true,
                RoutingResources.none(),
                restore,
                false,
                RuntimeFactory.DEFAULT,
                Duration.ofSeconds(5),
                maxEvents,
                Duration.ofSeconds(1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(Map<String, Object> alert) {
        return (Map<String, Object>) alert.get("fields");
    }

    /** Each message as topic:eventId (and the reason of a dead letter). */
    private static String describe(List<OutputMessage> messages) throws Exception {
        List<String> out = new ArrayList<>();
        for (OutputMessage m : messages) {
            String id =
                    m.topic().equals("dlq")
                            ? m.headers().get(Messages.HEADER_EVENT_ID) + " " + reason(m)
                            : String.valueOf(json(m).get("eventId"));
            out.add(m.topic() + ":" + id);
        }
        return out.toString();
    }

    private static List<String> metricEventIds(List<OutputMessage> messages) throws Exception {
        List<String> ids = new ArrayList<>();
        for (OutputMessage m : messages) {
            assertEquals("metrics", m.topic(), "only metrics: " + json(m));
            ids.add(String.valueOf(json(m).get("eventId")));
        }
        return ids;
    }
}
