package io.rulecast.job.output;

import io.rulecast.event.Json;
import io.rulecast.job.events.RawRecord;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.runtime.Emission;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The records the job writes to its Kafka topics, in one place so that their shape is easy to find
 * and document (docs/operations.md).
 *
 * <ul>
 *   <li>Alert: {@code {"level","message","fields","rule","version","eventId","time"}}, plus {@code
 *       "code"} for the job's own alerts ({@link #RULE_COMPILE_FAILED}, {@link #CIRCUIT_OPEN},
 *       {@link #RULE_STUCK}, {@link #CIRCUIT_CLOSED}).
 *   <li>Metric: {@code {"name","value","tags","rule","version","eventId","time"}}.
 *   <li>Shadow record (topic {@code rulecast.shadow}, keyed by rule): {@code {"rule","eventId",
 *       "liveVersion","candidateVersion","live":[…],"candidate":[…]}}, the lists in the replay line
 *       format.
 *   <li>Dead letter: the original key, value and headers, plus the {@code rulecast.dlq.*} headers
 *       below (as Kafka Connect's dead-letter queue does).
 * </ul>
 *
 * {@code time} is epoch milliseconds of when the job produced the record. Every map handed to Flink
 * here is mutable: Kryo, which copies these records between operators, cannot rebuild immutable
 * maps.
 */
public final class Messages {
    private Messages() {}

    public static final String HEADER_STAGE = "rulecast.dlq.stage";
    public static final String HEADER_REASON = "rulecast.dlq.reason";
    public static final String HEADER_MESSAGE = "rulecast.dlq.message";
    public static final String HEADER_RULE = "rulecast.dlq.rule";
    public static final String HEADER_VERSION = "rulecast.dlq.version";
    public static final String HEADER_EVENT_ID = "rulecast.dlq.event-id";
    public static final String HEADER_TIME = "rulecast.dlq.time";

    /** A new version of a rule does not compile; the previous version (if any) keeps running. */
    public static final String RULE_COMPILE_FAILED = "RULE_COMPILE_FAILED";

    /** A rule's circuit breaker opened: its events go to the dead-letter topic. */
    public static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";

    /**
     * An invocation of a rule kept its task thread {@link io.rulecast.runtime.Guard#STUCK_FACTOR} ×
     * its timeout or longer, in a call that ignores cancellation; raised when it ended.
     */
    public static final String RULE_STUCK = "RULE_STUCK";

    /**
     * A rollout candidate failed too often or its breaker opened: it no longer runs on that
     * instance; the live version serves every event.
     */
    public static final String ROLLOUT_ABORTED = "ROLLOUT_ABORTED";

    /** A rule's circuit breaker closed again after successful trial events. */
    public static final String CIRCUIT_CLOSED = "CIRCUIT_CLOSED";

    /**
     * A routing instance has held events for longer than {@code routing.hold.alert-after} waiting
     * for the rules source's first complete read, or holds {@code routing.hold.max-events} and
     * dead-letters the excess ({@code RULES_NOT_READY}).
     */
    public static final String RULES_NOT_SYNCED = "RULES_NOT_SYNCED";

    /**
     * Header of a record whose value was cut to fit the producer's {@code max.request.size}: the
     * value's original size in bytes (the value holds its first bytes). A dead letter's original is
     * still at {@link #HEADER_SOURCE} in the events topic.
     */
    public static final String HEADER_TRUNCATED = "rulecast.truncated";

    /** Where the dead event is in the events topic: {@code topic-partition@offset}. */
    public static final String HEADER_SOURCE = "rulecast.dlq.source";

    private static final int MAX_MESSAGE = 1000;

    /** Where in the job an event was rejected ({@code rulecast.dlq.stage}). */
    public enum Stage {
        PARSE("parse"),
        ROUTE("route"),
        RULE("rule"),
        SINK("sink");

        private final String id;

        Stage(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** A rejected event: its original bytes and headers, and why. */
    public static OutputMessage deadLetter(
            String topic,
            RawRecord raw,
            Stage stage,
            DeadLetterReason reason,
            String message,
            String rule,
            String version,
            String eventId,
            long time) {
        Map<String, String> headers = raw.headersAsText();
        putDeadLetterHeaders(headers, stage, reason, message, rule, version, eventId, time);
        headers.put(HEADER_SOURCE, raw.position());
        return new OutputMessage(topic, raw.key(), raw.value(), headers);
    }

    /**
     * A table write the sink could not apply (stage {@code sink}). The event's bytes are not at
     * hand there, so the value is the write itself, in the replay line format: {@code
     * {"eventId","rule","version","kind":"upsert","table","row"}} ({@code "key"} for a delete).
     * Keyed by event id.
     *
     * @param kind {@code upsert} or {@code delete}
     */
    public static OutputMessage sinkDeadLetter(
            String topic,
            DeadLetterReason reason,
            String message,
            String kind,
            String table,
            Map<String, Object> row,
            String rule,
            String version,
            String eventId,
            long time) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", eventId);
        json.put("rule", rule);
        json.put("version", version);
        json.put("kind", kind);
        json.put("table", table);
        json.put("delete".equals(kind) ? "key" : "row", row);
        Map<String, String> headers = new LinkedHashMap<>();
        putDeadLetterHeaders(headers, Stage.SINK, reason, message, rule, version, eventId, time);
        return new OutputMessage(
                topic,
                eventId == null ? null : eventId.getBytes(StandardCharsets.UTF_8),
                Json.write(json).getBytes(StandardCharsets.UTF_8),
                headers);
    }

    /** The headers every dead letter carries, whatever its stage. */
    private static void putDeadLetterHeaders(
            Map<String, String> headers,
            Stage stage,
            DeadLetterReason reason,
            String message,
            String rule,
            String version,
            String eventId,
            long time) {
        headers.put(HEADER_STAGE, stage.id());
        headers.put(HEADER_REASON, reason.name());
        headers.put(HEADER_MESSAGE, abbreviate(message == null ? reason.name() : message));
        putOrRemove(headers, HEADER_RULE, rule);
        putOrRemove(headers, HEADER_VERSION, version);
        putOrRemove(headers, HEADER_EVENT_ID, eventId);
        headers.put(HEADER_TIME, Long.toString(time));
    }

    /** An alert a script raised with {@code ctx.alert}. */
    public static OutputMessage alert(
            String topic,
            Emission.Alert alert,
            String rule,
            String version,
            String eventId,
            long time) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("level", alert.level());
        json.put("message", alert.message());
        json.put("fields", alert.fields());
        return keyed(topic, rule, withOrigin(json, rule, version, eventId, time));
    }

    /** An alert of the job itself, identified by {@code code}. */
    public static OutputMessage systemAlert(
            String topic,
            String code,
            String level,
            String message,
            Map<String, Object> fields,
            String rule,
            String version,
            String eventId,
            long time) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("code", code);
        json.put("level", level);
        json.put("message", message);
        json.put("fields", fields == null ? new LinkedHashMap<>() : fields);
        return keyed(topic, rule, withOrigin(json, rule, version, eventId, time));
    }

    /** A metric a script reported with {@code ctx.metric}. */
    public static OutputMessage metric(
            String topic,
            Emission.Metric metric,
            String rule,
            String version,
            String eventId,
            long time) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", metric.name());
        json.put("value", metric.value());
        json.put("tags", metric.tags());
        return keyed(topic, rule, withOrigin(json, rule, version, eventId, time));
    }

    /** A shadow record: an event on which a rollout candidate's outputs differ from the live's. */
    public static OutputMessage shadow(String topic, String rule, Map<String, Object> record) {
        return keyed(topic, rule, record);
    }

    private static Map<String, Object> withOrigin(
            Map<String, Object> json, String rule, String version, String eventId, long time) {
        json.put("rule", rule);
        json.put("version", version);
        json.put("eventId", eventId);
        json.put("time", time);
        return json;
    }

    /** Keyed by rule, so that one rule's alerts and metrics keep their order in a partition. */
    private static OutputMessage keyed(String topic, String rule, Map<String, Object> json) {
        byte[] key = rule == null ? null : rule.getBytes(StandardCharsets.UTF_8);
        return new OutputMessage(
                topic,
                key,
                Json.write(json).getBytes(StandardCharsets.UTF_8),
                new LinkedHashMap<>());
    }

    private static void putOrRemove(Map<String, String> headers, String name, String value) {
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
    }

    static String abbreviate(String s) {
        // Headers are not for stack traces: one line, bounded.
        String line = s.replace('\r', ' ').replace('\n', ' ');
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE - 3) + "...";
    }
}
