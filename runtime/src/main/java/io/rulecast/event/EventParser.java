package io.rulecast.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Kafka record value into a {@link BusinessEvent}, or says precisely why it is not one
 * (SPEC.md "Event"). Never throws for bad input: the job sends rejections to the dead-letter topic
 * and keeps running.
 *
 * <p>Rules: the value is UTF-8 JSON of at most {@code maxBytes} bytes and an object holding {@code
 * eventId}, {@code domain}, {@code type} (non-empty strings), {@code timestamp} (epoch millis as an
 * integer, or an ISO-8601 date-time with {@code Z} or an offset) and {@code payload} (an object);
 * {@code traceId} and {@code source} are optional strings; other fields are ignored.
 *
 * <p>The payload is deeply read-only and keeps the field order of the input. Integers become {@code
 * Integer} when they fit, else {@code Long}, else {@code BigInteger}; decimals become {@code
 * Double}.
 *
 * <p>One streaming pass over the bytes, plus an explicit UTF-8 check (Jackson would accept some
 * invalid sequences and guesses UTF-16/32 from the first bytes). Thread-safe.
 */
public final class EventParser {
    /** The default size limit: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final int MAX_ECHO = 40;

    private final int maxBytes;

    /** A parser that accepts values up to {@value #DEFAULT_MAX_BYTES} bytes. */
    public EventParser() {
        this(DEFAULT_MAX_BYTES);
    }

    /** A parser that rejects values larger than {@code maxBytes} as {@code TOO_LARGE}. */
    public EventParser(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** Parses text; its size is counted in UTF-8 bytes. */
    public ParseResult parse(String json) {
        return parse(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses one record value (UTF-8 JSON bytes); null is a tombstone and is rejected. */
    public ParseResult parse(byte[] value) {
        if (value == null) {
            return reject(RejectionReason.MALFORMED_JSON, null, "record has no value (tombstone)");
        }
        if (value.length > maxBytes) {
            return reject(
                    RejectionReason.TOO_LARGE,
                    null,
                    "event is " + value.length + " bytes, more than the limit of " + maxBytes);
        }
        int bad = Utf8.firstInvalid(value);
        if (bad >= 0) {
            return reject(
                    RejectionReason.BAD_ENCODING,
                    null,
                    String.format(
                            "value is not valid UTF-8: byte 0x%02X at offset %d",
                            value[bad] & 0xFF, bad));
        }
        try (JsonParser p = FACTORY.createParser(value)) {
            return parseEvent(p);
        } catch (JsonProcessingException e) {
            return reject(RejectionReason.MALFORMED_JSON, null, describe(e));
        } catch (IOException e) {
            return reject(RejectionReason.MALFORMED_JSON, null, "cannot read JSON: " + e);
        }
    }

    private static ParseResult parseEvent(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return reject(RejectionReason.MALFORMED_JSON, null, "value holds no JSON");
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            expectEnd(p);
            return reject(
                    RejectionReason.WRONG_TYPE,
                    null,
                    "event must be a JSON object, got " + typeName(t));
        }
        String eventId = null;
        String domain = null;
        String type = null;
        String traceId = null;
        String source = null;
        Long timestamp = null;
        Map<String, Object> payload = null;
        // The first field error is kept while the rest is read: malformed JSON takes precedence.
        ParseResult.Rejected error = null;

        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            switch (name) {
                case "eventId", "domain", "type", "traceId", "source" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        String text = p.getText();
                        switch (name) {
                            case "eventId" -> eventId = text;
                            case "domain" -> domain = text;
                            case "type" -> type = text;
                            case "traceId" -> traceId = text;
                            default -> source = text;
                        }
                    } else if (t == JsonToken.VALUE_NULL
                            && (name.equals("traceId") || name.equals("source"))) {
                        // An optional field set to null is simply absent.
                    } else {
                        error = first(error, wrongType(name, "a string", t));
                        p.skipChildren();
                    }
                }
                case "timestamp" -> {
                    Object ts = readTimestamp(p, t);
                    if (ts instanceof Long millis) {
                        timestamp = millis;
                    } else {
                        error = first(error, (ParseResult.Rejected) ts);
                    }
                }
                case "payload" -> {
                    if (t == JsonToken.START_OBJECT) {
                        payload = readObject(p);
                    } else {
                        error = first(error, wrongType(name, "a JSON object", t));
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        expectEnd(p);
        if (error != null) {
            return error;
        }
        ParseResult.Rejected missing =
                firstMissing(eventId, domain, type, timestamp != null, payload != null);
        if (missing != null) {
            return missing;
        }
        return new ParseResult.Parsed(
                new BusinessEvent(eventId, domain, type, timestamp, payload, traceId, source));
    }

    private static ParseResult.Rejected firstMissing(
            String eventId, String domain, String type, boolean timestamp, boolean payload) {
        String[][] strings = {{"eventId", eventId}, {"domain", domain}, {"type", type}};
        for (String[] f : strings) {
            if (f[1] == null) {
                return missing(f[0]);
            }
            if (f[1].isEmpty()) {
                return reject(
                        RejectionReason.MISSING_FIELD,
                        f[0],
                        "required field '" + f[0] + "' is empty");
            }
        }
        if (!timestamp) {
            return missing("timestamp");
        }
        if (!payload) {
            return missing("payload");
        }
        return null;
    }

    /** A Long of epoch millis, or a Rejected. */
    private static Object readTimestamp(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return reject(
                            RejectionReason.WRONG_TYPE,
                            "timestamp",
                            "field 'timestamp' is out of range for epoch millis: "
                                    + echo(p.getText()));
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return reject(
                        RejectionReason.WRONG_TYPE,
                        "timestamp",
                        "field 'timestamp' must be epoch millis as an integer or an ISO-8601"
                                + " string, got a decimal number "
                                + echo(p.getText()));
            case VALUE_STRING:
                return parseIsoTimestamp(p.getText());
            default:
                p.skipChildren();
                return reject(
                        RejectionReason.WRONG_TYPE,
                        "timestamp",
                        "field 'timestamp' must be epoch millis or an ISO-8601 string, got "
                                + typeName(t));
        }
    }

    private static Object parseIsoTimestamp(String text) {
        long fast = IsoInstant.epochMillis(text);
        if (fast != IsoInstant.NOT_SIMPLE) {
            return fast;
        }
        try {
            // Accepts "2025-11-22T08:00:00Z", "...+08:00", and "...+01:00[Europe/Paris]".
            return ZonedDateTime.parse(text, DateTimeFormatter.ISO_ZONED_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (DateTimeParseException e) {
            // Not zoned; say below what it is instead.
        } catch (ArithmeticException | DateTimeException e) {
            return reject(
                    RejectionReason.WRONG_TYPE,
                    "timestamp",
                    "field 'timestamp' is out of range: '" + echo(text) + "'");
        }
        String problem;
        if (parses(() -> LocalDateTime.parse(text))) {
            problem = "has no zone: add 'Z' or an offset such as +08:00, got '" + echo(text) + "'";
        } else if (parses(() -> LocalDate.parse(text))) {
            problem = "has no time and zone, got '" + echo(text) + "'";
        } else if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            problem =
                    "must be epoch millis or an ISO-8601 string, got a string of digits: write"
                            + " epoch millis as a JSON number";
        } else {
            problem =
                    "must be epoch millis or an ISO-8601 string such as 2025-11-22T08:00:00Z, got"
                            + " '"
                            + echo(text)
                            + "'";
        }
        return reject(RejectionReason.WRONG_TYPE, "timestamp", "field 'timestamp' " + problem);
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Reads the object whose START_OBJECT is the current token, as a read-only map. */
    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            map.put(key, readValue(p, p.nextToken()));
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                JsonToken item;
                while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(readValue(p, item));
                }
                return Collections.unmodifiableList(list);
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return p.getIntValue();
                    case LONG:
                        return p.getLongValue();
                    default:
                        return p.getBigIntegerValue();
                }
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonParseException(p, "unexpected token " + t);
        }
    }

    private static void expectEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new JsonParseException(p, "unexpected content after the event object");
        }
    }

    private static ParseResult.Rejected first(
            ParseResult.Rejected current, ParseResult.Rejected next) {
        return current != null ? current : next;
    }

    private static ParseResult.Rejected wrongType(String field, String expected, JsonToken t) {
        return reject(
                RejectionReason.WRONG_TYPE,
                field,
                "field '" + field + "' must be " + expected + ", got " + typeName(t));
    }

    private static ParseResult.Rejected missing(String field) {
        return reject(
                RejectionReason.MISSING_FIELD, field, "missing required field '" + field + "'");
    }

    private static ParseResult.Rejected reject(
            RejectionReason reason, String field, String message) {
        return new ParseResult.Rejected(reason, field, message);
    }

    private static String typeName(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        int nl = message.indexOf('\n');
        if (nl >= 0) {
            message = message.substring(0, nl);
        }
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            message +=
                    " at line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr();
        }
        return "malformed JSON: " + message;
    }

    private static String echo(String s) {
        return s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO - 3) + "...";
    }

    /**
     * The common ISO-8601 forms, {@code 2025-11-22T08:00:00[.fff...](Z|+08:00)}, without a
     * DateTimeFormatter (several times slower). Anything else goes the general way.
     */
    static final class IsoInstant {
        static final long NOT_SIMPLE = Long.MIN_VALUE;

        private IsoInstant() {}

        static long epochMillis(String s) {
            int n = s.length();
            if (n < 20
                    || s.charAt(4) != '-'
                    || s.charAt(7) != '-'
                    || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                    || s.charAt(13) != ':'
                    || s.charAt(16) != ':') {
                return NOT_SIMPLE;
            }
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            int hour = digits(s, 11, 13);
            int minute = digits(s, 14, 16);
            int second = digits(s, 17, 19);
            if (year < 0
                    || month < 1
                    || month > 12
                    || day < 1
                    || day > 31
                    || hour < 0
                    || hour > 23
                    || minute < 0
                    || minute > 59
                    || second < 0
                    || second > 59) {
                return NOT_SIMPLE;
            }
            int i = 19;
            int millis = 0;
            if (s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    if (i - start < 3) {
                        millis = millis * 10 + (s.charAt(i) - '0');
                    }
                    i++;
                }
                int count = i - start;
                if (count == 0 || count > 9) {
                    return NOT_SIMPLE;
                }
                for (int k = count; k < 3; k++) {
                    millis *= 10;
                }
            }
            int offsetSeconds;
            if (i == n - 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
                offsetSeconds = 0;
            } else if (i == n - 6
                    && (s.charAt(i) == '+' || s.charAt(i) == '-')
                    && s.charAt(i + 3) == ':') {
                int oh = digits(s, i + 1, i + 3);
                int om = digits(s, i + 4, i + 6);
                if (oh < 0 || oh > 18 || om < 0 || om > 59 || oh == 18 && om > 0) {
                    return NOT_SIMPLE;
                }
                offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
            } else {
                return NOT_SIMPLE;
            }
            if (day > 28 && day > YearMonth.of(year, month).lengthOfMonth()) {
                return NOT_SIMPLE; // let the general path name the problem
            }
            long days = LocalDate.of(year, month, day).toEpochDay();
            long seconds = days * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
            return seconds * 1000 + millis;
        }

        /** The non-negative number in s[from, to), or -1 if any char is not a digit. */
        private static int digits(String s, int from, int to) {
            int v = 0;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }
    }

    /** Strict UTF-8 validation (RFC 3629): no overlong forms, surrogates or NUL bytes. */
    static final class Utf8 {
        private Utf8() {}

        /** Offset of the first byte that is not valid UTF-8 JSON text, or -1. */
        static int firstInvalid(byte[] b) {
            int n = b.length;
            int i = 0;
            while (i < n) {
                int c = b[i];
                if (c > 0) {
                    i++;
                    continue;
                }
                // NUL is never valid in JSON text, and is what UTF-16 input looks like.
                if (c == 0) {
                    return i;
                }
                c &= 0xFF;
                if (c < 0xC2) {
                    return i; // stray continuation byte, or an overlong 2-byte lead
                } else if (c < 0xE0) {
                    if (i + 1 >= n || !continuation(b[i + 1])) {
                        return i;
                    }
                    i += 2;
                } else if (c < 0xF0) {
                    if (i + 2 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                        return i;
                    }
                    int c1 = b[i + 1] & 0xFF;
                    if (c == 0xE0 && c1 < 0xA0 || c == 0xED && c1 >= 0xA0) {
                        return i; // overlong, or a UTF-16 surrogate
                    }
                    i += 3;
                } else if (c < 0xF5) {
                    if (i + 3 >= n
                            || !continuation(b[i + 1])
                            || !continuation(b[i + 2])
                            || !continuation(b[i + 3])) {
                        return i;
                    }
                    int c1 = b[i + 1] & 0xFF;
                    if (c == 0xF0 && c1 < 0x90 || c == 0xF4 && c1 >= 0x90) {
                        return i; // overlong, or above U+10FFFF
                    }
                    i += 4;
                } else {
                    return i;
                }
            }
            return -1;
        }

        private static boolean continuation(byte b) {
            return (b & 0xC0) == 0x80;
        }
    }
}
