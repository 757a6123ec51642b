package io.rulecast.job.rules;

import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The rules source's only split: "the routing_configs table". It carries no position, since every
 * poll reads the whole table.
 */
public final class RulesSplit implements SourceSplit {
    static final RulesSplit INSTANCE = new RulesSplit();
    private static final String ID = "routing_configs";

    private RulesSplit() {}

    @Override
    public String splitId() {
        return ID;
    }

    @Override
    public String toString() {
        return ID;
    }

    /** Writes nothing: the split has no state. */
    static final class Serializer implements SimpleVersionedSerializer<RulesSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(RulesSplit split) {
            return new byte[0];
        }

        @Override
        public RulesSplit deserialize(int version, byte[] serialized) throws IOException {
            return INSTANCE;
        }
    }
}
