package io.rulecast.runtime;

import java.time.Duration;

/**
 * Bounds of every invocation (SPEC.md {@code script.timeout}, {@code script.memory.limit}, {@code
 * script.output.limit}) and the compiled-rule cache size.
 */
public record RuntimeOptions(
        Duration timeout,
        long memoryLimitBytes,
        int outputLimit,
        int maxCachedRules,
        int logLimitPerSecond) {

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
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(
                DEFAULT_TIMEOUT, DEFAULT_MEMORY_LIMIT, DEFAULT_OUTPUT_LIMIT, 10_000, 10);
    }

    public RuntimeOptions withTimeout(Duration t) {
        return new RuntimeOptions(
                t, memoryLimitBytes, outputLimit, maxCachedRules, logLimitPerSecond);
    }

    public RuntimeOptions withMemoryLimit(long bytes) {
        return new RuntimeOptions(timeout, bytes, outputLimit, maxCachedRules, logLimitPerSecond);
    }

    public RuntimeOptions withOutputLimit(int rows) {
        return new RuntimeOptions(
                timeout, memoryLimitBytes, rows, maxCachedRules, logLimitPerSecond);
    }

    public RuntimeOptions withMaxCachedRules(int n) {
        return new RuntimeOptions(timeout, memoryLimitBytes, outputLimit, n, logLimitPerSecond);
    }
}
