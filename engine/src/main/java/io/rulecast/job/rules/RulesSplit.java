package io.rulecast.job.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The rules source's only split: "the routing_configs table", and — once the reader has emitted
 * something — the rows it had emitted when the split was checkpointed. A restored reader compares
 * its first read with those rows, so a row deleted since the checkpoint yields a delete instead of
 * coming back from the restored broadcast state as a rule nobody has.
 */
public final class RulesSplit implements SourceSplit {
    private static final String ID = "routing_configs";

    /** A split no reader has emitted anything for (a fresh job). */
    static final RulesSplit FRESH = new RulesSplit(null);

    private final List<RoutingRow> emitted;

    private RulesSplit(List<RoutingRow> emitted) {
        this.emitted = emitted == null ? null : List.copyOf(emitted);
    }

    /** The split as checkpointed by a reader that had emitted {@code rows} (ordered by id). */
    static RulesSplit emitted(List<RoutingRow> rows) {
        return new RulesSplit(rows);
    }

    /** The rows emitted before the checkpoint, or null for a split that was never read. */
    List<RoutingRow> emittedRows() {
        return emitted;
    }

    /** True when the split comes from a checkpoint of a reader that had read the table. */
    boolean hasState() {
        return emitted != null;
    }

    @Override
    public String splitId() {
        return ID;
    }

    @Override
    public String toString() {
        return ID + (emitted == null ? " (fresh)" : " (" + emitted.size() + " rows emitted)");
    }

    /**
     * Version 1 wrote nothing (the split had no state) and reads back as {@link #FRESH}; version 2
     * writes the emitted rows; version 3 adds their rollout columns.
     */
    static final class Serializer implements SimpleVersionedSerializer<RulesSplit> {
        static final int VERSION = 3;

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(RulesSplit split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            write(split, out);
            return out.getCopyOfBuffer();
        }

        @Override
        public RulesSplit deserialize(int version, byte[] serialized) throws IOException {
            if (version == 1) {
                return FRESH;
            }
            if (version != 2 && version != VERSION) {
                throw new IOException("unknown version " + version + " of the rules split");
            }
            return read(new DataInputDeserializer(serialized), version);
        }

        static void write(RulesSplit split, DataOutputSerializer out) throws IOException {
            out.writeBoolean(split.emitted != null);
            if (split.emitted == null) {
                return;
            }
            out.writeInt(split.emitted.size());
            for (RoutingRow r : split.emitted) {
                out.writeLong(r.id());
                writeString(out, r.domain());
                writeString(out, r.eventType());
                writeString(out, r.ruleName());
                writeString(out, r.language());
                writeString(out, r.script());
                writeString(out, r.configJson());
                out.writeBoolean(r.enabled());
                out.writeInt(r.priority());
                out.writeLong(r.updateTime());
                // version 3: the rollout columns
                writeString(out, r.candidateLanguage());
                writeString(out, r.candidateScript());
                writeString(out, r.candidateConfigJson());
                writeString(out, r.rolloutMode());
                out.writeBoolean(r.rolloutPercent() != null);
                out.writeDouble(r.rolloutPercent() == null ? 0 : r.rolloutPercent());
            }
        }

        static RulesSplit read(DataInputDeserializer in) throws IOException {
            return read(in, VERSION);
        }

        static RulesSplit read(DataInputDeserializer in, int version) throws IOException {
            if (!in.readBoolean()) {
                return FRESH;
            }
            int n = in.readInt();
            List<RoutingRow> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                RoutingRow row =
                        new RoutingRow(
                                in.readLong(),
                                readString(in),
                                readString(in),
                                readString(in),
                                readString(in),
                                readString(in),
                                readString(in),
                                in.readBoolean(),
                                in.readInt(),
                                in.readLong());
                if (version >= 3) {
                    String language = readString(in);
                    String script = readString(in);
                    String config = readString(in);
                    String mode = readString(in);
                    boolean hasPercent = in.readBoolean();
                    double percent = in.readDouble();
                    row =
                            new RoutingRow(
                                    row.id(),
                                    row.domain(),
                                    row.eventType(),
                                    row.ruleName(),
                                    row.language(),
                                    row.script(),
                                    row.configJson(),
                                    row.enabled(),
                                    row.priority(),
                                    row.updateTime(),
                                    language,
                                    script,
                                    config,
                                    mode,
                                    hasPercent ? percent : null);
                }
                rows.add(row);
            }
            return emitted(rows);
        }

        // Scripts are MEDIUMTEXT: longer than writeUTF's 64 KiB.
        private static void writeString(DataOutputSerializer out, String s) throws IOException {
            if (s == null) {
                out.writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String readString(DataInputDeserializer in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
