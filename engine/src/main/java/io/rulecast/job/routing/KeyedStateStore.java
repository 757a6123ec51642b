package io.rulecast.job.routing;

import io.rulecast.routing.JsonStateStore;
import org.apache.flink.api.common.state.MapState;

/**
 * {@code ctx.state} over Flink keyed state: a {@code MapState<String, String>} of JSON text for the
 * current key, with the TTL of the {@code state.ttl} option. The JSON and the held-back writes are
 * the routing core's ({@link JsonStateStore}), the same as replay's. One instance per task.
 */
final class KeyedStateStore extends JsonStateStore {
    private final MapState<String, String> state;

    KeyedStateStore(MapState<String, String> state) {
        this.state = state;
    }

    @Override
    protected String read(String name) throws Exception {
        return state.get(name);
    }

    @Override
    protected void write(String name, String json) throws Exception {
        if (json == null) {
            state.remove(name);
        } else {
            state.put(name, json);
        }
    }
}
