package io.rulecast.runtime;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** {@code ctx.dim(name, key)}: a row of a configured dimension table, or null. */
public interface DimensionLookup {

    /**
     * @throws IllegalArgumentException when no dimension of that name is configured
     * @throws DependencyUnavailableException when the store behind it cannot answer now
     */
    Map<String, Object> lookup(String dimName, Object key);

    /** What {@link #lookupInMemory} returns when only {@link #lookup} can answer. */
    Map<String, Object> NOT_IN_MEMORY = Collections.unmodifiableMap(new HashMap<>());

    /**
     * The answer {@link #lookup} would give, if this JVM holds it already (a cache hit, a table
     * kept in memory), else {@link #NOT_IN_MEMORY} (compared by identity). It never waits on
     * anything outside the JVM, so the runtime need not stop the invocation's clock around it (two
     * clock reads, about a twentieth of a small rule's CPU). By default nothing is in memory.
     *
     * @throws IllegalArgumentException when no dimension of that name is configured
     */
    default Map<String, Object> lookupInMemory(String dimName, Object key) {
        return NOT_IN_MEMORY;
    }

    DimensionLookup NONE =
            (dimName, key) -> {
                throw new IllegalArgumentException("no dimension '" + dimName + "' is configured");
            };
}
