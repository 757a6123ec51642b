package io.rulecast.job.events;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kafka record as it arrived: key, value bytes and headers untouched, so that a rejected event
 * reaches the dead-letter topic exactly as it was sent. A record of arrays and plain values so that
 * Flink serializes it as a POJO.
 *
 * @param key the record key, or null
 * @param headerNames header names, in order (duplicates allowed, as in Kafka)
 * @param headerValues header values, parallel to {@code headerNames}; an entry may be null
 */
public record RawRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        String[] headerNames,
        byte[][] headerValues) {

    /** True when the record has a non-empty key. */
    public boolean hasKey() {
        return key != null && key.length > 0;
    }

    /** The key decoded as UTF-8, or null. */
    public String keyString() {
        return hasKey() ? new String(key, StandardCharsets.UTF_8) : null;
    }

    /** Headers decoded as UTF-8; of repeated names the last wins. */
    public Map<String, String> headersAsText() {
        Map<String, String> out = new LinkedHashMap<>();
        if (headerNames != null) {
            for (int i = 0; i < headerNames.length; i++) {
                byte[] v = headerValues[i];
                out.put(headerNames[i], v == null ? null : new String(v, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** {@code topic-partition@offset}, for logs. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return "RawRecord[" + position() + ", " + (value == null ? 0 : value.length) + " bytes]";
    }
}
