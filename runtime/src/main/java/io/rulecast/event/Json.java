package io.rulecast.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/** The one Jackson mapper Rulecast uses: plain maps and lists, big decimals kept exact. */
public final class Json {
    public static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private Json() {}

    /** Parses a JSON object; null or blank text is an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String json) throws JsonProcessingException {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        Object v = MAPPER.readValue(json, Object.class);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got: " + abbreviate(json));
        }
        return (Map<String, Object>) v;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
