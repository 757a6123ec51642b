package io.rulecast.job.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.rulecast.event.Json;
import io.rulecast.runtime.StateStore;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;

/**
 * {@code ctx.state} over Flink keyed state: a {@code MapState<String, String>} of JSON text for the
 * current key, with the TTL of the {@code state.ttl} option. JSON because values are plain data of
 * any shape, and text survives serializer and schema changes that a Kryo-serialized Object would
 * not.
 *
 * <p>Writes are held back until {@link #commit()}: a rule invocation that fails leaves the state as
 * it found it, like its other outputs. One instance per task; {@link #begin()} before each
 * invocation.
 */
final class KeyedStateStore implements StateStore {
    private static final Object REMOVED = new Object();

    private final MapState<String, String> state;
    private final Map<String, Object> pending = new HashMap<>();

    KeyedStateStore(MapState<String, String> state) {
        this.state = state;
    }

    /** Starts an invocation with nothing pending. */
    void begin() {
        pending.clear();
    }

    /** Writes what the invocation put. */
    void commit() throws Exception {
        for (Map.Entry<String, Object> e : pending.entrySet()) {
            if (e.getValue() == REMOVED) {
                state.remove(e.getKey());
            } else {
                state.put(e.getKey(), Json.write(e.getValue()));
            }
        }
        pending.clear();
    }

    /** Forgets what the invocation put. */
    void rollback() {
        pending.clear();
    }

    @Override
    public Object get(String name) {
        Object p = pending.get(name);
        if (p != null) {
            // A fresh copy, so that a script editing what it read changes nothing it did not put.
            return p == REMOVED ? null : parse(name, Json.write(p));
        }
        String json;
        try {
            json = state.get(name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read state '" + name + "': " + e, e);
        }
        return json == null ? null : parse(name, json);
    }

    @Override
    public void put(String name, Object value) {
        pending.put(name, value == null ? REMOVED : value);
    }

    private static Object parse(String name, String json) {
        try {
            return Json.MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("state '" + name + "' is not valid JSON", e);
        }
    }
}
