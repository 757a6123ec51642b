package io.rulecast.job.sink;

import io.rulecast.job.types.OwnSerializer;
import io.rulecast.job.types.OwnTypeInfo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Flink's type for {@link TableWrite}: a serializer that writes the row's plain data (the kinds
 * {@link io.rulecast.runtime.PlainData} allows) with one tag byte per value, instead of Kryo. Every
 * write crosses the shuffle to the wide-table sink (keyed by the row's primary key), and Kryo's
 * generic map handling was 27% of the sink thread's time in the end-to-end profile.
 *
 * <p>Not used in checkpointed state, so there is no older format to read.
 */
public final class TableWriteTypeInfo extends OwnTypeInfo<TableWrite> {
    private static final long serialVersionUID = 1L;

    public TableWriteTypeInfo() {
        super(TableWrite.class);
    }

    /** Named on {@link TableWrite} with {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<TableWrite> {
        @Override
        public TypeInformation<TableWrite> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new TableWriteTypeInfo();
        }
    }

    @Override
    public TypeSerializer<TableWrite> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    /** The serializer; stateless. */
    public static final class Serializer extends OwnSerializer<TableWrite> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        private static final TableWrite.Kind[] KINDS = TableWrite.Kind.values();

        // One tag byte before each value of a row.
        private static final byte NULL = 0;
        private static final byte STRING = 1;
        private static final byte INT = 2;
        private static final byte LONG = 3;
        private static final byte DOUBLE = 4;
        private static final byte TRUE = 5;
        private static final byte FALSE = 6;
        private static final byte DECIMAL = 7;
        private static final byte BIG_INTEGER = 8;
        private static final byte LIST = 9;
        private static final byte MAP = 10;

        /** Rows are plain data: maps and lists are copied, the rest is immutable. */
        @Override
        public TableWrite copy(TableWrite from) {
            return new TableWrite(
                    from.kind(),
                    from.table(),
                    copyMap(from.row()),
                    from.rule(),
                    from.version(),
                    from.eventId(),
                    from.eventTimestamp());
        }

        @Override
        public void serialize(TableWrite w, DataOutputView out) throws IOException {
            out.writeByte(w.kind().ordinal());
            out.writeUTF(w.table());
            writeMap(w.row(), out);
            writeNullable(w.rule(), out);
            writeNullable(w.version(), out);
            writeNullable(w.eventId(), out);
            out.writeLong(w.eventTimestamp());
        }

        @Override
        public TableWrite deserialize(DataInputView in) throws IOException {
            TableWrite.Kind kind = KINDS[in.readByte()];
            String table = in.readUTF();
            Map<String, Object> row = readMap(in);
            return new TableWrite(
                    kind,
                    table,
                    row,
                    readNullable(in),
                    readNullable(in),
                    readNullable(in),
                    in.readLong());
        }

        @Override
        public TypeSerializerSnapshot<TableWrite> snapshotConfiguration() {
            return new Snapshot();
        }

        private static void writeNullable(String s, DataOutputView out) throws IOException {
            out.writeBoolean(s != null);
            if (s != null) {
                out.writeUTF(s);
            }
        }

        private static String readNullable(DataInputView in) throws IOException {
            return in.readBoolean() ? in.readUTF() : null;
        }

        private static void writeMap(Map<String, Object> m, DataOutputView out) throws IOException {
            out.writeInt(m.size());
            for (Map.Entry<String, Object> e : m.entrySet()) {
                out.writeUTF(e.getKey());
                writeValue(e.getValue(), out);
            }
        }

        private static Map<String, Object> readMap(DataInputView in) throws IOException {
            int n = in.readInt();
            Map<String, Object> m = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
            for (int i = 0; i < n; i++) {
                String k = in.readUTF();
                m.put(k, readValue(in));
            }
            return m;
        }

        @SuppressWarnings("unchecked")
        private static void writeValue(Object v, DataOutputView out) throws IOException {
            if (v == null) {
                out.writeByte(NULL);
            } else if (v instanceof String s) {
                // writeUTF stops at 64 KiB of encoded text; a TEXT column value may be longer.
                out.writeByte(STRING);
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            } else if (v instanceof Integer i) {
                out.writeByte(INT);
                out.writeInt(i);
            } else if (v instanceof Long l) {
                out.writeByte(LONG);
                out.writeLong(l);
            } else if (v instanceof Double d) {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            } else if (v instanceof Boolean b) {
                out.writeByte(b ? TRUE : FALSE);
            } else if (v instanceof BigDecimal d) {
                out.writeByte(DECIMAL);
                out.writeInt(d.scale());
                byte[] b = d.unscaledValue().toByteArray();
                out.writeInt(b.length);
                out.write(b);
            } else if (v instanceof BigInteger i) {
                out.writeByte(BIG_INTEGER);
                byte[] b = i.toByteArray();
                out.writeInt(b.length);
                out.write(b);
            } else if (v instanceof List<?> list) {
                out.writeByte(LIST);
                out.writeInt(list.size());
                for (Object o : list) {
                    writeValue(o, out);
                }
            } else if (v instanceof Map<?, ?> m) {
                out.writeByte(MAP);
                writeMap((Map<String, Object>) m, out);
            } else {
                // The runtime converts every emitted value to plain data first.
                throw new IOException(
                        "not plain data: a " + v.getClass().getName() + " in a table write");
            }
        }

        private static Object readValue(DataInputView in) throws IOException {
            byte tag = in.readByte();
            switch (tag) {
                case NULL:
                    return null;
                case STRING:
                    {
                        byte[] b = new byte[in.readInt()];
                        in.readFully(b);
                        return new String(b, StandardCharsets.UTF_8);
                    }
                case INT:
                    return in.readInt();
                case LONG:
                    return in.readLong();
                case DOUBLE:
                    return in.readDouble();
                case TRUE:
                    return Boolean.TRUE;
                case FALSE:
                    return Boolean.FALSE;
                case DECIMAL:
                    {
                        int scale = in.readInt();
                        byte[] b = new byte[in.readInt()];
                        in.readFully(b);
                        return new BigDecimal(new BigInteger(b), scale);
                    }
                case BIG_INTEGER:
                    {
                        byte[] b = new byte[in.readInt()];
                        in.readFully(b);
                        return new BigInteger(b);
                    }
                case LIST:
                    {
                        int n = in.readInt();
                        List<Object> l = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            l.add(readValue(in));
                        }
                        return l;
                    }
                case MAP:
                    return readMap(in);
                default:
                    throw new IOException("corrupt table write: unknown value tag " + tag);
            }
        }

        private static Map<String, Object> copyMap(Map<String, Object> m) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 4 / 3 + 1));
            for (Map.Entry<String, Object> e : m.entrySet()) {
                out.put(e.getKey(), copyValue(e.getValue()));
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private static Object copyValue(Object v) {
            if (v instanceof Map<?, ?> m) {
                return copyMap((Map<String, Object>) m);
            }
            if (v instanceof List<?> l) {
                List<Object> out = new ArrayList<>(l.size());
                for (Object o : l) {
                    out.add(copyValue(o));
                }
                return out;
            }
            return v;
        }
    }

    /** The serializer has one format so far; restoring is always compatible. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TableWrite> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
