package io.rulecast.job.events;

import io.rulecast.job.types.OwnSerializer;
import io.rulecast.job.types.OwnTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's type for {@link RoutedEvent} on the shuffle from the parse function to the routing
 * function (every event crosses it): the fields written one after the other, instead of Flink's
 * POJO serializer with its null flags per field, nested POJO and reflective record construction.
 *
 * <p>Only the stream edge uses it. The events a routing instance holds while the rules are on their
 * way ({@link io.rulecast.job.Descriptors#WAITING_FOR_RULES}) stay in the POJO format that existing
 * checkpoints hold, which is why the class does not name this type with {@code @TypeInfo}.
 */
public final class RoutedEventTypeInfo extends OwnTypeInfo<RoutedEvent> {
    private static final long serialVersionUID = 1L;

    public RoutedEventTypeInfo() {
        super(RoutedEvent.class);
    }

    @Override
    public TypeSerializer<RoutedEvent> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    /** The serializer; stateless. */
    public static final class Serializer extends OwnSerializer<RoutedEvent> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        /** A deep copy: the arrays are copied, as Flink's POJO serializer copies them. */
        @Override
        public RoutedEvent copy(RoutedEvent from) {
            RawRecord r = from.raw();
            return new RoutedEvent(
                    from.key(),
                    r == null
                            ? null
                            : new RawRecord(
                                    r.topic(),
                                    r.partition(),
                                    r.offset(),
                                    r.timestamp(),
                                    copyOf(r.key()),
                                    copyOf(r.value()),
                                    r.headerNames() == null ? null : r.headerNames().clone(),
                                    copyOf(r.headerValues())));
        }

        @Override
        public void serialize(RoutedEvent e, DataOutputView out) throws IOException {
            writeText(e.key(), out);
            RawRecord r = e.raw();
            out.writeBoolean(r != null);
            if (r == null) {
                return;
            }
            writeText(r.topic(), out);
            out.writeInt(r.partition());
            out.writeLong(r.offset());
            out.writeLong(r.timestamp());
            writeBytes(r.key(), out);
            writeBytes(r.value(), out);
            String[] names = r.headerNames();
            byte[][] values = r.headerValues();
            out.writeInt(names == null ? -1 : names.length);
            if (names != null) {
                for (String name : names) {
                    writeText(name, out);
                }
            }
            out.writeInt(values == null ? -1 : values.length);
            if (values != null) {
                for (byte[] v : values) {
                    writeBytes(v, out);
                }
            }
        }

        @Override
        public RoutedEvent deserialize(DataInputView in) throws IOException {
            String key = readText(in);
            if (!in.readBoolean()) {
                return new RoutedEvent(key, null);
            }
            String topic = readText(in);
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            byte[] recordKey = readBytes(in);
            byte[] value = readBytes(in);
            int n = in.readInt();
            String[] names = n < 0 ? null : new String[n];
            for (int i = 0; i < n; i++) {
                names[i] = readText(in);
            }
            int m = in.readInt();
            byte[][] values = m < 0 ? null : new byte[m][];
            for (int i = 0; i < m; i++) {
                values[i] = readBytes(in);
            }
            return new RoutedEvent(
                    key,
                    new RawRecord(
                            topic, partition, offset, timestamp, recordKey, value, names, values));
        }

        @Override
        public TypeSerializerSnapshot<RoutedEvent> snapshotConfiguration() {
            return new Snapshot();
        }

        private static byte[] copyOf(byte[] b) {
            return b == null ? null : b.clone();
        }

        private static byte[][] copyOf(byte[][] b) {
            if (b == null) {
                return null;
            }
            byte[][] out = new byte[b.length][];
            for (int i = 0; i < b.length; i++) {
                out[i] = copyOf(b[i]);
            }
            return out;
        }

        /** Length, or -1 for null. */
        /** Nullable text of any length (a key taken from the payload has no size limit). */
    }

    /** The serializer has one format so far; restoring is always compatible. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RoutedEvent> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
