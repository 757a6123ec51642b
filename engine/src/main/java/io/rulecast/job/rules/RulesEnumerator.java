package io.rulecast.job.rules;

import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands the single split to whichever reader registers. Readers keep no split in their checkpoints,
 * so a restarted reader simply gets it again; nothing needs to be remembered here.
 */
final class RulesEnumerator implements SplitEnumerator<RulesSplit, Void> {
    private final SplitEnumeratorContext<RulesSplit> context;

    RulesEnumerator(SplitEnumeratorContext<RulesSplit> context) {
        this.context = context;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<RulesSplit> splits, int subtaskId) {
        // The reader that gets restarted registers again and is handed the split in addReader.
    }

    @Override
    public void addReader(int subtaskId) {
        context.assignSplit(RulesSplit.INSTANCE, subtaskId);
    }

    @Override
    public Void snapshotState(long checkpointId) {
        return null;
    }

    @Override
    public void close() {}

    /** The enumerator has no state. */
    static final class StateSerializer
            implements org.apache.flink.core.io.SimpleVersionedSerializer<Void> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Void state) {
            return new byte[0];
        }

        @Override
        public Void deserialize(int version, byte[] serialized) {
            return null;
        }
    }
}
