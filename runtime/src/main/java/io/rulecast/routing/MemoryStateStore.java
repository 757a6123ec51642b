package io.rulecast.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * Replay's {@code ctx.state}: one map of JSON text per event key, kept for the whole replay (no
 * TTL). Rules share the state of a key, as they share the job's keyed state, and values read back
 * as they do from the job's state ({@link JsonStateStore}).
 */
public final class MemoryStateStore {
    private final Map<String, Map<String, String>> byKey = new HashMap<>();

    /** The state of one key. */
    public JsonStateStore forKey(String key) {
        Map<String, String> values = byKey.computeIfAbsent(key, k -> new HashMap<>());
        return new JsonStateStore() {
            @Override
            protected String read(String name) {
                return values.get(name);
            }

            @Override
            protected void write(String name, String json) {
                if (json == null) {
                    values.remove(name);
                } else {
                    values.put(name, json);
                }
            }
        };
    }

    /** Keys with state, for tests and summaries. */
    public int keys() {
        return byKey.size();
    }
}
