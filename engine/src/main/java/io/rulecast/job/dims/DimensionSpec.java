package io.rulecast.job.dims;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * One dimension table scripts read with {@code ctx.dim(name, key)}: configured as {@code
 * dims.<name>.table}, {@code dims.<name>.key-column}, {@code dims.<name>.ttl} (default 10 min) and
 * {@code dims.<name>.max-entries} (default 100000) and {@code dims.<name>.preload} (default false:
 * read the whole table into the cache when a task opens, like the Flink JDBC lookup connector's
 * {@code lookup.cache = FULL}; see {@link JdbcDimensionLookup#preload()}).
 */
public record DimensionSpec(
        String name, String table, String keyColumn, Duration ttl, long maxEntries, boolean preload)
        implements Serializable {

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    public static final long DEFAULT_MAX_ENTRIES = 100_000;

    public DimensionSpec {
        Objects.requireNonNull(name, "name");
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException(
                    "dims." + name + ".table is missing: name the table to read");
        }
        if (keyColumn == null || keyColumn.isBlank()) {
            throw new IllegalArgumentException(
                    "dims." + name + ".key-column is missing: name the column keys are matched on");
        }
        if (ttl == null) {
            ttl = DEFAULT_TTL;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(
                    "dims." + name + ".ttl must be positive, got " + ttl);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException(
                    "dims." + name + ".max-entries must be at least 1, got " + maxEntries);
        }
    }

    /** A dimension read on a miss only (no preload). */
    public DimensionSpec(
            String name, String table, String keyColumn, Duration ttl, long maxEntries) {
        this(name, table, keyColumn, ttl, maxEntries, false);
    }

    /** The same dimension, preloaded or not. */
    public DimensionSpec withPreload(boolean preload) {
        return new DimensionSpec(name, table, keyColumn, ttl, maxEntries, preload);
    }

    /** A dimension with the default TTL and size. */
    public static DimensionSpec of(String name, String table, String keyColumn) {
        return new DimensionSpec(name, table, keyColumn, DEFAULT_TTL, DEFAULT_MAX_ENTRIES);
    }
}
