package io.rulecast.runtime;

/**
 * {@code ctx.state}: values kept for the current event's key. The Flink job backs it with keyed
 * state (with a TTL), {@code replay} with a map. Values are plain data; a null value removes the
 * name. The runtime writes here only after an invocation succeeded, so a failed run leaves the
 * state as it was.
 */
public interface StateStore {
    Object get(String name);

    void put(String name, Object value);

    /**
     * Adds {@code by} to the number stored under {@code name} (0 when absent); returns the new
     * value.
     */
    default Number incr(String name, Number by) {
        Object current = get(name);
        Number next = Numbers.add(current instanceof Number n ? n : 0L, by);
        put(name, next);
        return next;
    }

    /** A store that keeps nothing, for callers that have no state (validation). */
    StateStore NONE =
            new StateStore() {
                @Override
                public Object get(String name) {
                    return null;
                }

                @Override
                public void put(String name, Object value) {}
            };
}
