package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rulecast.job.events.RawRecord;
import io.rulecast.job.events.RoutedEvent;
import io.rulecast.job.output.OutputMessage;
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
    @SuppressWarnings("unchecked")
    void tableWritesHaveTheirOwnSerializerForEveryKindOfPlainData() throws Exception {
        assertInstanceOf(TableWriteTypeInfo.class, TypeInformation.of(TableWrite.class));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("tags", new java.util.ArrayList<>(java.util.List.of("a", 2, 3L)));
        nested.put("none", null);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put("big", 1L << 40);
        row.put("d", 2.5);
        row.put("n", new java.math.BigDecimal("-12345678901234567890.125"));
        row.put("i", new java.math.BigInteger("123456789012345678901234567890"));
        row.put("yes", true);
        row.put("no", false);
        row.put("null", null);
        row.put("text", "错题本 ".repeat(30_000)); // over writeUTF's 64 KiB
        row.put("json", nested);
        TableWrite w = new TableWrite(TableWrite.Kind.UPSERT, "t", row, "d/t/main", "v", "e", 7);
        TableWrite back = roundTripAny(TableWrite.class, w);
        assertEquals(row, back.row());
        assertEquals(
                java.util.List.copyOf(row.keySet()), java.util.List.copyOf(back.row().keySet()));
        assertEquals(
                java.util.List.of(TableWrite.Kind.UPSERT, "t", "d/t/main", "v", "e", 7L),
                java.util.List.of(
                        back.kind(),
                        back.table(),
                        back.rule(),
                        back.version(),
                        back.eventId(),
                        back.eventTimestamp()));

        TableWrite delete =
                new TableWrite(TableWrite.Kind.DELETE, "t", Map.of("id", 1), null, null, null, 0);
        TableWrite d = roundTripAny(TableWrite.class, delete);
        assertEquals(TableWrite.Kind.DELETE, d.kind());
        assertEquals(null, d.rule());

        TypeSerializer<TableWrite> s =
                TypeInformation.of(TableWrite.class).createSerializer(new SerializerConfigImpl());
        TableWrite copy = s.copy(w);
        ((Map<String, Object>) copy.row().get("json")).put("changed", 1);
        assertEquals(nested, row.get("json"), "a copy shares no map with the original");
        DataOutputSerializer out = new DataOutputSerializer(64);
        Map<String, Object> bad = new LinkedHashMap<>(Map.of("x", new Object()));
        org.junit.jupiter.api.Assertions.assertThrows(
                java.io.IOException.class,
                () ->
                        s.serialize(
                                new TableWrite(
                                        TableWrite.Kind.UPSERT, "t", bad, null, null, null, 0),
                                out));
    }

    @Test
    void routedEventsCrossTheShuffleWithTheirOwnSerializer() throws Exception {
        TypeSerializer<RoutedEvent> s =
                new io.rulecast.job.events.RoutedEventTypeInfo()
                        .createSerializer(new SerializerConfigImpl());
        RawRecord full =
                new RawRecord(
                        "events",
                        3,
                        Long.MAX_VALUE,
                        -1,
                        new byte[0],
                        "{\"a\":\"错\"}".getBytes(StandardCharsets.UTF_8),
                        new String[] {"h", "h", ""},
                        new byte[][] {{1, 2}, null, {}});
        RawRecord bare = new RawRecord("t", 0, 0, 0, null, null, null, null);
        String longKey = "键".repeat(30_000); // over writeUTF's 64 KiB
        DataOutputSerializer out = new DataOutputSerializer(8);
        s.serialize(new RoutedEvent(longKey, full), out);
        s.serialize(new RoutedEvent(null, bare), out);
        s.serialize(new RoutedEvent("k", null), out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());

        RoutedEvent a = s.deserialize(in);
        assertEquals(longKey, a.key());
        assertEquals(
                java.util.List.of("events", 3, Long.MAX_VALUE, -1L),
                java.util.List.of(
                        a.raw().topic(),
                        a.raw().partition(),
                        a.raw().offset(),
                        a.raw().timestamp()));
        assertArrayEquals(new byte[0], a.raw().key());
        assertArrayEquals(full.value(), a.raw().value());
        assertArrayEquals(full.headerNames(), a.raw().headerNames());
        assertArrayEquals(new byte[] {1, 2}, a.raw().headerValues()[0]);
        assertEquals(null, a.raw().headerValues()[1]);
        assertArrayEquals(new byte[0], a.raw().headerValues()[2]);

        RoutedEvent b = s.deserialize(in);
        assertEquals(null, b.key());
        assertEquals(null, b.raw().key());
        assertEquals(null, b.raw().value());
        assertEquals(null, b.raw().headerNames());
        assertEquals(null, b.raw().headerValues());

        RoutedEvent c = s.deserialize(in);
        assertEquals("k", c.key());
        assertEquals(null, c.raw());
        assertEquals(0, in.available(), "three events back to back read exactly");

        RoutedEvent copy = s.copy(new RoutedEvent("k", full));
        copy.raw().value()[0] = 'x';
        copy.raw().headerValues()[0][0] = 9;
        assertEquals('{', full.value()[0], "a copy shares no array with the original");
        assertEquals(1, full.headerValues()[0][0]);
        assertInstanceOf(
                PojoTypeInfo.class,
                TypeInformation.of(RoutedEvent.class),
                "held events keep the POJO format of existing checkpoints");
    }

    @Test
    void outputMessagesHaveTheirOwnSerializer() throws Exception {
        assertInstanceOf(
                io.rulecast.job.output.OutputMessageTypeInfo.class,
                TypeInformation.of(OutputMessage.class));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("stage", "parse");
        headers.put("none", null);
        headers.put("message", "错".repeat(30_000)); // over writeUTF's 64 KiB
        headers.put("", "");
        OutputMessage m = new OutputMessage("dlq", new byte[0], new byte[] {1, -1, 0}, headers);
        OutputMessage back = roundTripAny(OutputMessage.class, m);
        assertEquals("dlq", back.topic());
        assertArrayEquals(new byte[0], back.key());
        assertArrayEquals(new byte[] {1, -1, 0}, back.value());
        assertEquals(headers, back.headers());
        assertEquals(
                java.util.List.copyOf(headers.keySet()),
                java.util.List.copyOf(back.headers().keySet()),
                "headers keep their order");

        OutputMessage bare =
                roundTripAny(OutputMessage.class, new OutputMessage("x", null, null, null));
        assertEquals(null, bare.key());
        assertEquals(null, bare.value());
        assertEquals(Map.of(), bare.headers());

        TypeSerializer<OutputMessage> s =
                TypeInformation.of(OutputMessage.class)
                        .createSerializer(new SerializerConfigImpl());
        OutputMessage copy = s.copy(m);
        copy.headers().put("changed", "1");
        assertEquals(4, m.headers().size(), "a copy shares no headers map with the original");
        DataOutputSerializer out = new DataOutputSerializer(8);
        s.serialize(m, out);
        s.serialize(bare, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertEquals(headers, s.deserialize(in).headers());
        assertEquals("x", s.deserialize(in).topic());
        assertEquals(0, in.available(), "two messages back to back read exactly");
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
