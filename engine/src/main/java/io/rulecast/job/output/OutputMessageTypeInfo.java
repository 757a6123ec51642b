package io.rulecast.job.output;

import io.rulecast.job.types.OwnSerializer;
import io.rulecast.job.types.OwnTypeInfo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
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
public final class OutputMessageTypeInfo extends OwnTypeInfo<OutputMessage> {
    private static final long serialVersionUID = 1L;

    public OutputMessageTypeInfo() {
        super(OutputMessage.class);
    }

    /** Named on {@link OutputMessage} with {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<OutputMessage> {
        @Override
        public TypeInformation<OutputMessage> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new OutputMessageTypeInfo();
        }
    }

    @Override
    public TypeSerializer<OutputMessage> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    /** The serializer; stateless. */
    public static final class Serializer extends OwnSerializer<OutputMessage> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        /** The byte arrays are never changed once a message is made; the headers map is copied. */
        @Override
        public OutputMessage copy(OutputMessage from) {
            return new OutputMessage(
                    from.topic(), from.key(), from.value(), new LinkedHashMap<>(from.headers()));
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
        public TypeSerializerSnapshot<OutputMessage> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Length, or -1 for null. */
        /** Nullable text of any length (a dead letter's message may pass writeUTF's 64 KiB). */
    }

    /** The serializer has one format so far; restoring is always compatible. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OutputMessage> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
