package io.rulecast.runtime;

import java.time.Duration;

/**
 * Bounds of every invocation (SPEC.md {@code script.timeout}, {@code script.memory.limit}, {@code
 * script.output.limit}) and the compiled-rule cache size.
 *
 * @param coldStartTimeout the time budget of a version's first few runs, which link call sites and
 *     initialize classes; by default five times {@code timeout}, at least one second
 */
public record RuntimeOptions(
        Duration timeout,
        long memoryLimitBytes,
        int outputLimit,
        int maxCachedRules,
        int logLimitPerSecond,
        Duration coldStartTimeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
    public static final long DEFAULT_MEMORY_LIMIT = 64L * 1024 * 1024;
    public static final int DEFAULT_OUTPUT_LIMIT = 1000;

    public RuntimeOptions {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("script.timeout must be positive, got " + timeout);
        }
        if (memoryLimitBytes <= 0) {
            throw new IllegalArgumentException("script.memory.limit must be positive");
        }
        if (outputLimit <= 0) {
            throw new IllegalArgumentException("script.output.limit must be positive");
        }
        if (coldStartTimeout == null) {
            Duration five = timeout.multipliedBy(5);
            coldStartTimeout =
                    five.compareTo(Duration.ofSeconds(1)) > 0 ? five : Duration.ofSeconds(1);
        }
    }

    public RuntimeOptions(
            Duration timeout,
            long memoryLimitBytes,
            int outputLimit,
            int maxCachedRules,
            int logLimitPerSecond) {
        this(timeout, memoryLimitBytes, outputLimit, maxCachedRules, logLimitPerSecond, null);
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(
                DEFAULT_TIMEOUT, DEFAULT_MEMORY_LIMIT, DEFAULT_OUTPUT_LIMIT, 10_000, 10);
    }

    /** A new timeout; the cold-start budget follows it unless set explicitly afterwards. */
    public RuntimeOptions withTimeout(Duration t) {
        return new RuntimeOptions(
                t, memoryLimitBytes, outputLimit, maxCachedRules, logLimitPerSecond, null);
    }

    public RuntimeOptions withMemoryLimit(long bytes) {
        return new RuntimeOptions(
                timeout, bytes, outputLimit, maxCachedRules, logLimitPerSecond, coldStartTimeout);
    }

    public RuntimeOptions withOutputLimit(int rows) {
        return new RuntimeOptions(
                timeout,
                memoryLimitBytes,
                rows,
                maxCachedRules,
                logLimitPerSecond,
                coldStartTimeout);
    }

    public RuntimeOptions withMaxCachedRules(int n) {
        return new RuntimeOptions(
                timeout, memoryLimitBytes, outputLimit, n, logLimitPerSecond, coldStartTimeout);
    }

    public RuntimeOptions withColdStartTimeout(Duration t) {
        return new RuntimeOptions(
                timeout, memoryLimitBytes, outputLimit, maxCachedRules, logLimitPerSecond, t);
    }
}
