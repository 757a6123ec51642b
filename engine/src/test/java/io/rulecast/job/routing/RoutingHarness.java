package io.rulecast.job.routing;

import io.rulecast.event.Json;
import io.rulecast.job.Descriptors;
import io.rulecast.job.RulecastOptions;
import io.rulecast.job.events.EventReader;
import io.rulecast.job.events.RawRecord;
import io.rulecast.job.events.RoutedEvent;
import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.job.rules.RuleChange;
import io.rulecast.job.sink.TableWrite;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.Rollout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/** The routing function in Flink's operator test harness, with helpers to feed and read it. */
final class RoutingHarness implements AutoCloseable {
    static final CircuitBreaker.Settings BREAKER =
            new CircuitBreaker.Settings(3, 0.5, Duration.ofSeconds(60), Duration.ofHours(1), 1);

    final KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, TableWrite> harness;
    private long offset;
    private long time;

    RoutingHarness(
            boolean unroutedDeadLetter, RoutingResources resources, OperatorSubtaskState restore)
            throws Exception {
        this(unroutedDeadLetter, resources, restore, true);
    }

    /**
     * @param synced whether the rules source's first poll has arrived (as it has, shortly after a
     *     start); false to see what happens to events before it
     */
    RoutingHarness(
            boolean unroutedDeadLetter,
            RoutingResources resources,
            OperatorSubtaskState restore,
            boolean synced)
            throws Exception {
        this(unroutedDeadLetter, resources, restore, synced, RuntimeFactory.DEFAULT);
    }

    /** With another script runtime, e.g. one whose engine refuses what the default compiles. */
    RoutingHarness(
            boolean unroutedDeadLetter,
            RoutingResources resources,
            OperatorSubtaskState restore,
            boolean synced,
            RuntimeFactory runtimes)
            throws Exception {
        this(unroutedDeadLetter, resources, restore, synced, runtimes, Duration.ofSeconds(5));
    }

    /** With another script runtime and script.timeout. */
    RoutingHarness(
            boolean unroutedDeadLetter,
            RoutingResources resources,
            OperatorSubtaskState restore,
            boolean synced,
            RuntimeFactory runtimes,
            Duration scriptTimeout)
            throws Exception {
        this(
                unroutedDeadLetter,
                resources,
                restore,
                synced,
                runtimes,
                scriptTimeout,
                100_000,
                Duration.ofMinutes(1));
    }

    /** With routing.hold.max-events and routing.hold.alert-after too. */
    RoutingHarness(
            boolean unroutedDeadLetter,
            RoutingResources resources,
            OperatorSubtaskState restore,
            boolean synced,
            RuntimeFactory runtimes,
            Duration scriptTimeout,
            int holdMaxEvents,
            Duration holdAlertAfter)
            throws Exception {
        RoutingSettings settings =
                new RoutingSettings(
                        "alerts",
                        "metrics",
                        "dlq",
                        unroutedDeadLetter,
                        BREAKER,
                        scriptTimeout,
                        64L << 20,
                        1000,
                        Duration.ofDays(1),
                        holdMaxEvents,
                        holdAlertAfter,
                        RulecastOptions.TOPIC_SHADOW.defaultValue(),
                        Rollout.Settings.DEFAULTS);
        RoutingFunction fn =
                new RoutingFunction(settings, resources, new EventReader(1 << 20), runtimes);
        harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(fn, List.of(Descriptors.RULES)),
                        new RoutedEvent.KeySelector(),
                        BasicTypeInfo.STRING_TYPE_INFO,
                        128,
                        1,
                        0);
        harness.setup();
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        if (synced) {
            synced();
        }
    }

    /** The rules source has sent its whole first snapshot. */
    void synced() throws Exception {
        harness.processBroadcastElement(RuleChange.synced(), ++time);
    }

    /** The rules source's first read, whose rows have these ids (as the job's source sends it). */
    void synced(Long... rowIds) throws Exception {
        harness.processBroadcastElement(RuleChange.synced(List.of(rowIds)), ++time);
    }

    /** Lets processing time pass, firing the timers that are due. */
    void advanceProcessingTime(long millis) throws Exception {
        harness.setProcessingTime(harness.getProcessingTime() + millis);
    }

    RoutingHarness() throws Exception {
        this(false, RoutingResources.none(), null);
    }

    void rule(RoutingRow row) throws Exception {
        harness.processBroadcastElement(RuleChange.upsert(row), ++time);
    }

    void delete(RoutingRow row) throws Exception {
        harness.processBroadcastElement(RuleChange.delete(row), ++time);
    }

    void event(String key, String json) throws Exception {
        RawRecord raw =
                new RawRecord(
                        "events",
                        0,
                        offset++,
                        ++time,
                        key.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8),
                        new String[0],
                        new byte[0][]);
        harness.processElement(new RoutedEvent(key, raw), time);
    }

    void event(String key, String eventId, String domain, String type, Map<String, Object> payload)
            throws Exception {
        event(
                key,
                Json.write(
                        Map.of(
                                "eventId", eventId,
                                "domain", domain,
                                "type", type,
                                "timestamp", 1000,
                                "payload", payload)));
    }

    /** Table writes emitted so far (and forgets them). */
    List<TableWrite> writes() {
        List<TableWrite> out = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return out;
    }

    /** Messages emitted so far (and forgets them). */
    List<OutputMessage> messages() {
        List<OutputMessage> out = new ArrayList<>();
        var q = harness.getSideOutput(Descriptors.MESSAGES);
        if (q != null) {
            for (StreamRecord<OutputMessage> r : q) {
                out.add(r.getValue());
            }
            q.clear();
        }
        return out;
    }

    static List<OutputMessage> onTopic(List<OutputMessage> messages, String topic) {
        return messages.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    static Map<String, Object> json(OutputMessage m) throws Exception {
        return Json.parseObject(new String(m.value(), StandardCharsets.UTF_8));
    }

    static String reason(OutputMessage deadLetter) {
        return deadLetter.headers().get(Messages.HEADER_REASON);
    }

    OperatorSubtaskState snapshot() throws Exception {
        return harness.snapshot(1, ++time);
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }

    static RoutingRow row(long id, String type, String name, String script, int priority) {
        return row(id, type, name, script, null, priority);
    }

    static RoutingRow row(
            long id, String type, String name, String script, String config, int priority) {
        return new RoutingRow(
                id, "shop", type, name, "groovy", script, config, true, priority, 1000 + id);
    }
}
