package io.rulecast.job.rules;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Hands the single split to the reader. Once assigned, the split lives in the reader's checkpoints
 * (with the rows it emitted); the enumerator holds it only while no reader has it: at the first
 * start, and when Flink gives it back after a failure, until the reader registers again.
 */
final class RulesEnumerator implements SplitEnumerator<RulesSplit, RulesEnumerator.State> {
    private final SplitEnumeratorContext<RulesSplit> context;
    private RulesSplit unassigned;

    /** The enumerator's checkpoint: the split if no reader had it, else null. */
    record State(RulesSplit unassigned) {}

    RulesEnumerator(SplitEnumeratorContext<RulesSplit> context, RulesSplit unassigned) {
        this.context = context;
        this.unassigned = unassigned;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<RulesSplit> splits, int subtaskId) {
        if (!splits.isEmpty()) {
            unassigned = splits.get(0);
            if (context.registeredReaders().containsKey(subtaskId)) {
                addReader(subtaskId);
            }
        }
    }

    @Override
    public void addReader(int subtaskId) {
        if (unassigned != null) {
            context.assignSplit(unassigned, subtaskId);
            unassigned = null;
        }
    }

    @Override
    public State snapshotState(long checkpointId) {
        return new State(unassigned);
    }

    @Override
    public void close() {}

    /**
     * Version 1 (the enumerator had no state) reads back as "not assigned": readers of that version
     * kept no split, so the restored reader needs a fresh one. Version 3 writes the rows' rollout
     * columns.
     */
    static final class StateSerializer implements SimpleVersionedSerializer<State> {
        @Override
        public int getVersion() {
            return 3;
        }

        @Override
        public byte[] serialize(State state) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64);
            out.writeBoolean(state.unassigned() != null);
            if (state.unassigned() != null) {
                RulesSplit.Serializer.write(state.unassigned(), out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public State deserialize(int version, byte[] serialized) throws IOException {
            if (version == 1) {
                return new State(RulesSplit.FRESH);
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            // version 2 wrote its split in the split serializer's version 2 (no rollout columns)
            return new State(
                    in.readBoolean() ? RulesSplit.Serializer.read(in, version == 2 ? 2 : 3) : null);
        }
    }
}
