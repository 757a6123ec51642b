package io.rulecast.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {
    private static final String SPEC_EXAMPLE =
            "{\"eventId\":\"e-1\",\"domain\":\"wrongbook\",\"type\":\"wrongbook_add\","
                    + "\"timestamp\":1763800000000,\"payload\":{\"wrongbookId\":\"wb-9\","
                    + "\"userId\":\"u-1\",\"questionId\":\"q-7\",\"subject\":\"math\"}}";

    private final EventParser parser = new EventParser();

    @Test
    void parsesTheSpecExample() {
        BusinessEvent e = parsed(SPEC_EXAMPLE);
        assertEquals("e-1", e.eventId());
        assertEquals("wrongbook", e.domain());
        assertEquals("wrongbook_add", e.type());
        assertEquals(1763800000000L, e.timestamp());
        assertEquals(
                List.of("wrongbookId", "userId", "questionId", "subject"),
                List.copyOf(e.payload().keySet()),
                "payload keeps the input's field order");
        assertEquals("wb-9", e.payload().get("wrongbookId"));
        assertNull(e.traceId());
        assertNull(e.source());
    }

    @Test
    void readsOptionalFieldsAndIgnoresUnknownOnes() {
        BusinessEvent e =
                parsed(
                        "{\"traceId\":\"t-9\",\"source\":\"app\",\"extra\":{\"deep\":[1,{}]},"
                                + "\"eventId\":\"e\",\"domain\":\"d\",\"type\":\"t\","
                                + "\"timestamp\":0,\"payload\":{}}");
        assertEquals("t-9", e.traceId());
        assertEquals("app", e.source());
        assertEquals(0L, e.timestamp());
        assertTrue(e.payload().isEmpty());
    }

    @Test
    void optionalFieldsMayBeNull() {
        BusinessEvent e = parsed(event("\"timestamp\":1", "\"traceId\":null,\"source\":null"));
        assertNull(e.traceId());
        assertNull(e.source());
    }

    @ParameterizedTest
    @CsvSource({
        "2025-11-22T08:00:00Z, 2025-11-22T08:00:00Z",
        "2025-11-22T16:00:00+08:00, 2025-11-22T08:00:00Z",
        "2025-11-22T08:00:00.123Z, 2025-11-22T08:00:00.123Z",
        "2025-11-22T09:00:00+01:00[Europe/Paris], 2025-11-22T08:00:00Z",
        "2025-11-22t08:00:00z, 2025-11-22T08:00:00Z"
    })
    void acceptsIsoTimestampsWithAZoneOrOffset(String text, String instant) {
        BusinessEvent e = parsed(event("\"timestamp\":\"" + text + "\""));
        assertEquals(Instant.parse(instant).toEpochMilli(), e.timestamp());
    }

    @Test
    void isoTimestampsAgreeWithJavaTimeForManyInstantsOffsetsAndFractions() {
        java.util.Random random = new java.util.Random(7);
        String[] fractions = {"", ".1", ".12", ".123", ".1234", ".123456789"};
        for (int i = 0; i < 5_000; i++) {
            long seconds = random.nextLong(-4_000_000_000L, 8_000_000_000L);
            int offsetMinutes = random.nextInt(-18 * 60, 18 * 60 + 1);
            java.time.ZoneOffset offset = java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
            String local =
                    java.time.LocalDateTime.ofEpochSecond(seconds, 0, offset)
                            .format(
                                    java.time.format.DateTimeFormatter.ofPattern(
                                            "uuuu-MM-dd'T'HH:mm:ss"));
            String text =
                    local
                            + fractions[i % fractions.length]
                            + (offsetMinutes == 0 && i % 2 == 0
                                    ? "Z"
                                    : offset.getId().replace("Z", "+00:00"));
            long expected = java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
            assertEquals(
                    expected, parsed(event("\"timestamp\":\"" + text + "\"")).timestamp(), text);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2025-02-29T00:00:00Z",
                "2025-04-31T00:00:00Z",
                "2025-11-22T24:00:00Z",
                "2025-11-22T08:60:00Z",
                "2025-13-01T00:00:00Z",
                "2025-11-22T08:00:00+19:00",
                "2025-11-22T08:00:00ZZ"
            })
    void rejectsImpossibleIsoTimestamps(String text) {
        ParseResult.Rejected r =
                rejected(event("\"timestamp\":\"" + text + "\""), RejectionReason.WRONG_TYPE);
        assertEquals("timestamp", r.field());
    }

    @Test
    void acceptsALeapDay() {
        assertEquals(
                Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli(),
                parsed(event("\"timestamp\":\"2024-02-29T23:59:59.999Z\"")).timestamp());
    }

    @Test
    void acceptsEpochMillisIncludingNegativeOnes() {
        assertEquals(-1000L, parsed(event("\"timestamp\":-1000")).timestamp());
        assertEquals(Long.MAX_VALUE, parsed(event("\"timestamp\":" + Long.MAX_VALUE)).timestamp());
    }

    @Test
    void payloadNumbersUseTheNarrowestType() {
        Map<String, Object> p =
                parsed(
                                event(
                                        "\"timestamp\":1",
                                        null,
                                        "{\"i\":42,\"l\":3000000000,\"b\":123456789012345678901234,"
                                                + "\"d\":2.5,\"e\":1e3,\"neg\":-7,\"t\":true,"
                                                + "\"n\":null,\"s\":\"x\"}"))
                        .payload();
        assertEquals(Integer.valueOf(42), p.get("i"));
        assertEquals(Long.valueOf(3000000000L), p.get("l"));
        assertEquals(new BigInteger("123456789012345678901234"), p.get("b"));
        assertEquals(Double.valueOf(2.5), p.get("d"));
        assertEquals(Double.valueOf(1000.0), p.get("e"));
        assertEquals(Integer.valueOf(-7), p.get("neg"));
        assertEquals(Boolean.TRUE, p.get("t"));
        assertTrue(p.containsKey("n"));
        assertNull(p.get("n"));
        assertEquals("x", p.get("s"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void payloadIsDeeplyReadOnly() {
        Map<String, Object> p =
                parsed(
                                event(
                                        "\"timestamp\":1",
                                        null,
                                        "{\"list\":[1,{\"k\":[2]}],\"map\":{\"a\":{\"b\":1}}}"))
                        .payload();
        assertThrows(UnsupportedOperationException.class, () -> p.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> p.remove("list"));
        List<Object> list = (List<Object>) p.get("list");
        assertThrows(UnsupportedOperationException.class, () -> list.add(3));
        assertThrows(UnsupportedOperationException.class, () -> list.set(0, 9));
        Map<String, Object> inList = (Map<String, Object>) list.get(1);
        assertThrows(UnsupportedOperationException.class, () -> inList.put("k", 0));
        List<Object> deepList = (List<Object>) inList.get("k");
        assertThrows(UnsupportedOperationException.class, () -> deepList.clear());
        Map<String, Object> map = (Map<String, Object>) p.get("map");
        Map<String, Object> inner = (Map<String, Object>) map.get("a");
        assertThrows(UnsupportedOperationException.class, () -> inner.put("c", 2));
        assertThrows(
                UnsupportedOperationException.class,
                () -> inner.entrySet().iterator().next().setValue(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eventId", "domain", "type", "timestamp", "payload"})
    void rejectsAMissingRequiredField(String field) {
        String json = SPEC_EXAMPLE.replace("\"" + field + "\"", "\"renamed_" + field + "\"");
        ParseResult.Rejected r = rejected(json, RejectionReason.MISSING_FIELD);
        assertEquals(field, r.field());
        assertEquals("missing required field '" + field + "'", r.message());
    }

    @Test
    void rejectsAnEmptyRequiredString() {
        ParseResult.Rejected r =
                rejected(SPEC_EXAMPLE.replace("\"e-1\"", "\"\""), RejectionReason.MISSING_FIELD);
        assertEquals("eventId", r.field());
        assertTrue(r.message().contains("empty"), r.message());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "eventId  | 17          | field 'eventId' must be a string, got number",
                "domain   | null        | field 'domain' must be a string, got null",
                "type     | [\"a\"]     | field 'type' must be a string, got array",
                "traceId  | {}          | field 'traceId' must be a string, got object",
                "source   | false       | field 'source' must be a string, got boolean",
                "payload  | \"x\"       | field 'payload' must be a JSON object, got string",
                "payload  | [1]         | field 'payload' must be a JSON object, got array",
                "timestamp| true        | field 'timestamp' must be epoch millis or an ISO-8601"
                        + " string, got boolean",
                "timestamp| {\"a\":1}   | field 'timestamp' must be epoch millis or an ISO-8601"
                        + " string, got object"
            })
    void rejectsAFieldOfTheWrongType(String field, String json, String message) {
        String event =
                "{\"eventId\":\"e\",\"domain\":\"d\",\"type\":\"t\",\"timestamp\":1,"
                        + "\"payload\":{},\""
                        + field
                        + "\":"
                        + json
                        + "}";
        ParseResult.Rejected r = rejected(event, RejectionReason.WRONG_TYPE);
        assertEquals(field, r.field());
        assertEquals(message, r.message());
    }

    @Test
    void rejectsALocalDateTimeAskingForAZone() {
        ParseResult.Rejected r =
                rejected(
                        event("\"timestamp\":\"2025-11-22T08:00:00\""), RejectionReason.WRONG_TYPE);
        assertEquals("timestamp", r.field());
        assertTrue(r.message().contains("add 'Z' or an offset"), r.message());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"2025-11-22\"",
                "\"yesterday\"",
                "\"1763800000000\"",
                "\"\"",
                "1.7638E12",
                "1763800000000.5",
                "123456789012345678901234567890"
            })
    void rejectsOtherTimestamps(String timestamp) {
        ParseResult.Rejected r =
                rejected(event("\"timestamp\":" + timestamp), RejectionReason.WRONG_TYPE);
        assertEquals("timestamp", r.field());
        assertTrue(r.message().startsWith("field 'timestamp' "), r.message());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"eventId\":\"e\"",
                "{\"eventId\":}",
                "{eventId:\"e\"}",
                "not json",
                "{\"a\":1} {\"b\":2}",
                "{\"a\":1} x",
                "   ",
                ""
            })
    void rejectsMalformedJson(String json) {
        ParseResult.Rejected r = rejected(json, RejectionReason.MALFORMED_JSON);
        assertNull(r.field());
        assertTrue(!r.message().contains("\n"), r.message());
    }

    @Test
    void malformedJsonWinsOverAFieldError() {
        rejected("{\"eventId\":1, \"payload\": [", RejectionReason.MALFORMED_JSON);
    }

    @Test
    void rejectsATombstone() {
        rejected((byte[]) null, RejectionReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"event\"", "42", "null", "true"})
    void rejectsATopLevelThatIsNotAnObject(String json) {
        ParseResult.Rejected r = rejected(json, RejectionReason.WRONG_TYPE);
        assertNull(r.field());
        assertTrue(r.message().startsWith("event must be a JSON object, got "), r.message());
    }

    @Test
    void rejectsValuesAboveTheSizeLimitBeforeParsing() {
        EventParser small = new EventParser(64);
        byte[] big = ("{\"x\":\"" + "a".repeat(100) + "\"}").getBytes(StandardCharsets.UTF_8);
        ParseResult.Rejected r = rejected(small, big, RejectionReason.TOO_LARGE);
        assertTrue(r.message().contains(big.length + " bytes"), r.message());
        assertTrue(r.message().contains("64"), r.message());
        assertInstanceOf(
                ParseResult.Parsed.class,
                new EventParser(SPEC_EXAMPLE.length()).parse(SPEC_EXAMPLE));
    }

    @Test
    void sizeOfTextIsCountedInUtf8Bytes() {
        String chinese = event("\"timestamp\":1", null, "{\"科目\":\"数学\"}");
        int bytes = chinese.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes > chinese.length());
        rejected(
                new EventParser(chinese.length()),
                chinese.getBytes(StandardCharsets.UTF_8),
                RejectionReason.TOO_LARGE);
        assertEquals(
                "数学",
                ((ParseResult.Parsed) new EventParser(bytes).parse(chinese))
                        .event()
                        .payload()
                        .get("科目"));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] valid =
                event("\"timestamp\":1", null, "{\"s\":\"__\"}").getBytes(StandardCharsets.UTF_8);
        int at = new String(valid, StandardCharsets.UTF_8).indexOf("__");
        byte[][] badPairs = {
            {(byte) 0xC3, (byte) 0x28}, // lead byte followed by a non-continuation
            {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
            {(byte) 0x80, (byte) 0x41}, // stray continuation byte
            {(byte) 0xFF, (byte) 0x41}, // never valid
            {(byte) 0x00, (byte) 0x41}, // NUL, as in UTF-16 text
        };
        for (byte[] pair : badPairs) {
            byte[] b = valid.clone();
            b[at] = pair[0];
            b[at + 1] = pair[1];
            ParseResult.Rejected r = rejected(parser, b, RejectionReason.BAD_ENCODING);
            assertTrue(r.message().contains("offset " + at), r.message());
        }
        byte[] withSurrogate = new byte[valid.length + 1];
        System.arraycopy(valid, 0, withSurrogate, 0, at);
        withSurrogate[at] = (byte) 0xED; // U+D800 encoded directly: not allowed in UTF-8
        withSurrogate[at + 1] = (byte) 0xA0;
        withSurrogate[at + 2] = (byte) 0x80;
        System.arraycopy(valid, at + 2, withSurrogate, at + 3, valid.length - at - 2);
        rejected(parser, withSurrogate, RejectionReason.BAD_ENCODING);
        assertInstanceOf(
                ParseResult.Parsed.class, parser.parse(valid), "the unmodified event is valid");
    }

    @Test
    void acceptsEveryWidthOfUtf8() {
        String s = "a\u00e9\u4e2d\ud83d\ude00"; // 1, 2, 3 and 4 bytes
        BusinessEvent e = parsed(event("\"timestamp\":1", null, "{\"s\":\"" + s + "\"}"));
        assertEquals(s, e.payload().get("s"));
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "e-" + i;
                results.add(
                        pool.submit(
                                () ->
                                        ((ParseResult.Parsed)
                                                        parser.parse(
                                                                SPEC_EXAMPLE.replace("e-1", id)))
                                                .event()
                                                .eventId()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals("e-" + i, results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String event(String timestampField) {
        return event(timestampField, null, "{}");
    }

    private static String event(String timestampField, String extraFields) {
        return event(timestampField, extraFields, "{}");
    }

    private static String event(String timestampField, String extraFields, String payload) {
        return "{\"eventId\":\"e\",\"domain\":\"d\",\"type\":\"t\","
                + timestampField
                + ",\"payload\":"
                + payload
                + (extraFields == null ? "" : "," + extraFields)
                + "}";
    }

    private BusinessEvent parsed(String json) {
        ParseResult r = parser.parse(json);
        return assertInstanceOf(ParseResult.Parsed.class, r, () -> "rejected: " + r).event();
    }

    private ParseResult.Rejected rejected(String json, RejectionReason reason) {
        return rejected(
                parser, json == null ? null : json.getBytes(StandardCharsets.UTF_8), reason);
    }

    private ParseResult.Rejected rejected(byte[] json, RejectionReason reason) {
        return rejected(parser, json, reason);
    }

    private static ParseResult.Rejected rejected(
            EventParser parser, byte[] json, RejectionReason reason) {
        ParseResult r = parser.parse(json);
        ParseResult.Rejected rejected =
                assertInstanceOf(ParseResult.Rejected.class, r, () -> "parsed: " + r);
        assertEquals(reason, rejected.reason(), rejected::toString);
        return rejected;
    }
}
