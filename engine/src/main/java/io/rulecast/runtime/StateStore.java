package io.rulecast.runtime;

/**
 * {@code ctx.state}: values kept for the current event's key. The Flink job backs it with keyed
 * state (with a TTL), {@code replay} with a map. Values are plain data.
 */
public interface StateStore {
    Object get(String name);

    void put(String name, Object value);

    /**
     * Adds {@code by} to the number stored under {@code name} (0 when absent); returns the new
     * value.
     */
    Number incr(String name, Number by);

    /** A store that keeps nothing, for callers that have no state (validation). */
    StateStore NONE =
            new StateStore() {
                @Override
                public Object get(String name) {
                    return null;
                }

                @Override
                public void put(String name, Object value) {}

                @Override
                public Number incr(String name, Number by) {
                    return by;
                }
            };
}
