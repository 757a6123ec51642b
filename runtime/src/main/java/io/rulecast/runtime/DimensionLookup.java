package io.rulecast.runtime;

import java.util.Map;

/** {@code ctx.dim(name, key)}: a row of a configured dimension table, or null. */
public interface DimensionLookup {

    /**
     * @throws IllegalArgumentException when no dimension of that name is configured
     */
    Map<String, Object> lookup(String dimName, Object key);

    DimensionLookup NONE =
            (dimName, key) -> {
                throw new IllegalArgumentException("no dimension '" + dimName + "' is configured");
            };
}
