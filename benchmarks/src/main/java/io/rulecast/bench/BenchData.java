package io.rulecast.bench;

import io.rulecast.event.Json;
import io.rulecast.runtime.DimensionLookup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Deterministic wrongbook events and a questions dimension shared by every benchmark. */
public final class BenchData {
    public static final String[] SUBJECTS = {"math", "physics", "chemistry", "english", "chinese"};

    private BenchData() {}

    /** {@code n} wrongbook_add events as Kafka value bytes, seeded so every run sees the same. */
    public static List<byte[]> events(int n, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("wrongbookId", "wb-" + i);
            payload.put("userId", "u-" + r.nextInt(5000));
            payload.put("questionId", "q-" + r.nextInt(1000));
            payload.put("subject", SUBJECTS[r.nextInt(SUBJECTS.length)]);
            payload.put("score", r.nextInt(100));
            if (r.nextBoolean()) {
                payload.put("source", "pad");
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("eventId", "e-" + i);
            e.put("domain", "wrongbook");
            e.put("type", "wrongbook_add");
            e.put("timestamp", 1763800000000L + i * 1000L);
            e.put("payload", payload);
            out.add(Json.write(e).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The questions dimension: 1,000 questions, 90% of them known. */
    public static DimensionLookup questions() {
        Map<Object, Map<String, Object>> rows = new HashMap<>();
        for (int i = 0; i < 900; i++) {
            rows.put("q-" + i, Map.of("chapter", "chapter-" + (i % 40), "difficulty", 1 + i % 5));
        }
        // In memory, as a dimension cache hit is in the job (JdbcDimensionLookup).
        return new DimensionLookup() {
            @Override
            public Map<String, Object> lookup(String dim, Object key) {
                return lookupInMemory(dim, key);
            }

            @Override
            public Map<String, Object> lookupInMemory(String dim, Object key) {
                if (!"questions".equals(dim)) {
                    throw new IllegalArgumentException("no dimension '" + dim + "' is configured");
                }
                return rows.get(key);
            }
        };
    }

    public static String resource(String name) {
        try (InputStream in = BenchData.class.getResourceAsStream("/bench/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /bench/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
