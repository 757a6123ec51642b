package io.rulecast.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rulecast.job.events.RawRecord;
import io.rulecast.job.events.RoutedEvent;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.job.rules.RuleChange;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The records that cross operators are Flink POJOs, not Kryo generics, and survive a round trip.
 */
class FlinkTypesTest {

    @Test
    void streamRecordsArePojos() throws Exception {
        RawRecord raw =
                new RawRecord(
                        "t",
                        1,
                        2,
                        3,
                        "k".getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8),
                        new String[] {"h"},
                        new byte[][] {{1, 2}});
        RoutedEvent back = roundTrip(RoutedEvent.class, new RoutedEvent("key", raw));
        assertEquals("key", back.key());
        assertArrayEquals(raw.value(), back.raw().value());
        assertArrayEquals(new byte[] {1, 2}, back.raw().headerValues()[0]);
        assertEquals(2, back.raw().offset());

        RoutingRow row =
                new RoutingRow(1, "d", "t", "main", "groovy", "return null", null, true, 5, 9);
        assertEquals(row, roundTrip(RoutingRow.class, row));
        assertEquals(RuleChange.delete(row), roundTrip(RuleChange.class, RuleChange.delete(row)));
    }

    @Test
    void outputsSurviveKryoCopies() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put("n", new java.math.BigDecimal("1.5"));
        TableWrite w = new TableWrite(TableWrite.Kind.UPSERT, "t", row, "d/t/main", "v", "e", 1);
        TableWrite wb = roundTripAny(TableWrite.class, w);
        assertEquals(row, wb.row());
        OutputMessage m =
                new OutputMessage("x", null, new byte[] {1}, new LinkedHashMap<>(Map.of("a", "b")));
        assertEquals(Map.of("a", "b"), roundTripAny(OutputMessage.class, m).headers());
    }

    private static <T> T roundTrip(Class<T> type, T value) throws Exception {
        TypeInformation<T> info = TypeInformation.of(type);
        assertInstanceOf(PojoTypeInfo.class, info, type + " must be a POJO");
        return roundTripAny(type, value);
    }

    private static <T> T roundTripAny(Class<T> type, T value) throws Exception {
        TypeSerializer<T> s = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        T copy = s.copy(value);
        assertEquals(copy.getClass(), value.getClass());
        return s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
