package io.rulecast.job.rules;

import java.time.Duration;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The rules stream: an unbounded source that reads {@code routing_configs} every poll interval and
 * emits what changed (see {@link RuleSnapshots}). Run it with parallelism 1. It checkpoints
 * nothing: after a restore its first poll emits every row again, and the routing function treats a
 * row it already runs as no change.
 */
public final class RulesSource implements Source<RuleChange, RulesSplit, Void> {
    private static final long serialVersionUID = 1L;

    private final RulesDatabase database;
    private final Duration pollInterval;
    private final Duration maxBackoff;

    public RulesSource(RulesDatabase database, Duration pollInterval, Duration maxBackoff) {
        this.database = database;
        this.pollInterval = pollInterval;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<RulesSplit, Void> createEnumerator(
            SplitEnumeratorContext<RulesSplit> context) {
        return new RulesEnumerator(context);
    }

    @Override
    public SplitEnumerator<RulesSplit, Void> restoreEnumerator(
            SplitEnumeratorContext<RulesSplit> context, Void checkpoint) {
        return new RulesEnumerator(context);
    }

    @Override
    public SimpleVersionedSerializer<RulesSplit> getSplitSerializer() {
        return new RulesSplit.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new RulesEnumerator.StateSerializer();
    }

    @Override
    public SourceReader<RuleChange, RulesSplit> createReader(SourceReaderContext context) {
        return new RulesSourceReader(context, database, pollInterval, maxBackoff);
    }
}
