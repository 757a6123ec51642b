package io.rulecast.job.output;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's type for {@link OutputMessage}: topic, key and value bytes and the headers in order,
 * written field by field instead of by Kryo (the class has no setters, so Flink would treat it as a
 * generic type). Every metric, alert and dead letter crosses from its operator to the Kafka sink
 * this way; in the end-to-end benchmark a metric leaves for more than half of the events.
 *
 * <p>Not used in checkpointed state, so there is no older format to read.
 */
public final class OutputMessageTypeInfo extends TypeInformation<OutputMessage> {
    private static final long serialVersionUID = 1L;

    /** Named on {@link OutputMessage} with {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<OutputMessage> {
        @Override
        public TypeInformation<OutputMessage> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new OutputMessageTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<OutputMessage> getTypeClass() {
        return OutputMessage.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<OutputMessage> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "OutputMessage";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputMessageTypeInfo;
    }

    @Override
    public int hashCode() {
        return OutputMessageTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof OutputMessageTypeInfo;
    }

    /** The serializer; stateless. */
    public static final class Serializer extends TypeSerializerSingleton<OutputMessage> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public OutputMessage createInstance() {
            return null;
        }

        /** The byte arrays are never changed once a message is made; the headers map is copied. */
        @Override
        public OutputMessage copy(OutputMessage from) {
            return new OutputMessage(
                    from.topic(), from.key(), from.value(), new LinkedHashMap<>(from.headers()));
        }

        @Override
        public OutputMessage copy(OutputMessage from, OutputMessage reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(OutputMessage m, DataOutputView out) throws IOException {
            out.writeUTF(m.topic());
            writeBytes(m.key(), out);
            writeBytes(m.value(), out);
            Map<String, String> headers = m.headers();
            out.writeInt(headers.size());
            for (Map.Entry<String, String> e : headers.entrySet()) {
                writeText(e.getKey(), out);
                writeText(e.getValue(), out);
            }
        }

        @Override
        public OutputMessage deserialize(DataInputView in) throws IOException {
            String topic = in.readUTF();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int n = in.readInt();
            Map<String, String> headers = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
            for (int i = 0; i < n; i++) {
                String name = readText(in);
                headers.put(name, readText(in));
            }
            return new OutputMessage(topic, key, value, headers);
        }

        @Override
        public OutputMessage deserialize(OutputMessage reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<OutputMessage> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Length, or -1 for null. */
        private static void writeBytes(byte[] b, DataOutputView out) throws IOException {
            if (b == null) {
                out.writeInt(-1);
                return;
            }
            out.writeInt(b.length);
            out.write(b);
        }

        private static byte[] readBytes(DataInputView in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return b;
        }

        /** Nullable text of any length (a dead letter's message may pass writeUTF's 64 KiB). */
        private static void writeText(String s, DataOutputView out) throws IOException {
            writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8), out);
        }

        private static String readText(DataInputView in) throws IOException {
            byte[] b = readBytes(in);
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }
    }

    /** The serializer has one format so far; restoring is always compatible. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OutputMessage> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
