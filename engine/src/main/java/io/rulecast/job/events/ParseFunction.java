package io.rulecast.job.events;

import io.rulecast.job.Descriptors;
import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.routing.KeyPath;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Checks each record's envelope and finds its key. A record that is not an event — bad JSON, a
 * missing or mistyped field, too large, no key — goes to the dead-letter topic (stage {@code
 * parse}) with its original bytes; the job goes on.
 */
public final class ParseFunction extends ProcessFunction<RawRecord, RoutedEvent> {
    private static final long serialVersionUID = 1L;

    private final EventReader reader;
    private final KeyPath keyPath;
    private final String dlqTopic;
    private transient Counter parsed;
    private transient Counter rejected;

    public ParseFunction(EventReader reader, KeyPath keyPath, String dlqTopic) {
        this.reader = reader;
        this.keyPath = keyPath;
        this.dlqTopic = dlqTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        parsed = getRuntimeContext().getMetricGroup().counter("eventsParsed");
        rejected = getRuntimeContext().getMetricGroup().counter("eventsRejected");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<RoutedEvent> out) {
        EventReader.Result r = reader.read(raw.value());
        if (!r.ok()) {
            reject(raw, ctx, r.reason(), r.message(), null);
            return;
        }
        String key = raw.hasKey() ? raw.keyString() : keyPath.resolve(r.event());
        if (key == null) {
            reject(raw, ctx, DeadLetterReason.NO_KEY, keyPath.missing(), r.event().eventId());
            return;
        }
        parsed.inc();
        out.collect(new RoutedEvent(key, raw));
    }

    private void reject(
            RawRecord raw, Context ctx, DeadLetterReason reason, String message, String eventId) {
        rejected.inc();
        OutputMessage dead =
                Messages.deadLetter(
                        dlqTopic,
                        raw,
                        Messages.Stage.PARSE,
                        reason,
                        message,
                        null,
                        null,
                        eventId,
                        System.currentTimeMillis());
        ctx.output(Descriptors.MESSAGES, dead);
    }
}
