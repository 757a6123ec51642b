package io.rulecast.job.rules;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
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
 * emits what changed (see {@link RuleSnapshots}). Run it with parallelism 1.
 *
 * <p>It checkpoints the rows it has emitted, consistently with the routing instances' broadcast
 * state. A restored source compares its first read with them and emits only the difference —
 * deletes of rows removed since the checkpoint included — then {@link RuleChange.Kind#SYNCED}.
 */
public final class RulesSource implements Source<RuleChange, RulesSplit, RulesEnumerator.State> {
    private static final long serialVersionUID = 2L;

    private final JdbcConnectionSpec database;
    private final Duration pollInterval;
    private final Duration maxBackoff;

    public RulesSource(JdbcConnectionSpec database, Duration pollInterval, Duration maxBackoff) {
        this.database = database;
        this.pollInterval = pollInterval;
        this.maxBackoff = maxBackoff;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<RulesSplit, RulesEnumerator.State> createEnumerator(
            SplitEnumeratorContext<RulesSplit> context) {
        return new RulesEnumerator(context, RulesSplit.FRESH);
    }

    @Override
    public SplitEnumerator<RulesSplit, RulesEnumerator.State> restoreEnumerator(
            SplitEnumeratorContext<RulesSplit> context, RulesEnumerator.State checkpoint) {
        return new RulesEnumerator(context, checkpoint.unassigned());
    }

    @Override
    public SimpleVersionedSerializer<RulesSplit> getSplitSerializer() {
        return new RulesSplit.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<RulesEnumerator.State> getEnumeratorCheckpointSerializer() {
        return new RulesEnumerator.StateSerializer();
    }

    @Override
    public SourceReader<RuleChange, RulesSplit> createReader(SourceReaderContext context) {
        return new RulesSourceReader(context, database, pollInterval, maxBackoff);
    }
}
