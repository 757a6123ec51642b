package io.rulecast.bench;

import io.rulecast.job.sink.TableWrite;
import io.rulecast.job.sink.TableWriteTypeInfo;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One wide-table write across Flink's shuffle (serialize, then deserialize): the generic Kryo
 * serializer Flink used for {@link TableWrite} before it had a type of its own, and {@link
 * TableWriteTypeInfo}'s serializer. The row is the benchmark rule's 10-column wrongbook row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TableWriteSerializationBenchmark {
    private TableWrite write;
    private TypeSerializer<TableWrite> kryo;
    private TypeSerializer<TableWrite> own;
    private final DataOutputSerializer out = new DataOutputSerializer(512);
    private final DataInputDeserializer in = new DataInputDeserializer();

    @Setup
    public void setUp() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("wrongbook_id", "wb-123456");
        row.put("user_id", "u-4711");
        row.put("question_id", "q-815");
        row.put("subject", "math");
        row.put("chapter", "chapter-15");
        row.put("difficulty", 3);
        row.put("status", "OPEN");
        row.put("add_time", 1763800000000L);
        row.put("score", 55);
        row.put("source", "app");
        write =
                new TableWrite(
                        TableWrite.Kind.UPSERT,
                        "dwd_wrongbook_wide",
                        row,
                        "wrongbook/wrongbook_add/main",
                        "3f2a9c0d1b7e",
                        "e-123456",
                        1763800000000L);
        SerializerConfigImpl config = new SerializerConfigImpl();
        kryo = new GenericTypeInfo<>(TableWrite.class).createSerializer(config);
        own = new TableWriteTypeInfo().createSerializer(config);
    }

    private TableWrite roundTrip(TypeSerializer<TableWrite> s) throws IOException {
        out.clear();
        s.serialize(write, out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return s.deserialize(in);
    }

    @Benchmark
    public TableWrite kryoGeneric() throws IOException {
        return roundTrip(kryo);
    }

    @Benchmark
    public TableWrite tableWriteSerializer() throws IOException {
        return roundTrip(own);
    }
}
