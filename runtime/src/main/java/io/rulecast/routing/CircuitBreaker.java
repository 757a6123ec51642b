package io.rulecast.routing;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The circuit breaker of one rule on one subtask. Closed, it counts invocations and failures over a
 * sliding window (ten buckets); when failures reach the threshold and the failure share reaches the
 * rate, it opens. Open, it refuses every invocation until the cool-down has passed, then
 * half-opens: invocations go through again, one failure opens it anew, a run of successes closes
 * it. Not thread-safe: it lives in one Flink task.
 */
public final class CircuitBreaker {
    private static final int BUCKETS = 10;

    /** The three states; {@link #code()} is the value of the breaker-state gauge. */
    public enum State {
        CLOSED(0),
        HALF_OPEN(1),
        OPEN(2);

        private final int code;

        State(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** What an invocation's result did to the breaker, for alerts. */
    public enum Transition {
        NONE,
        /** Closed → open: failures passed the threshold. */
        OPENED,
        /** Half-open → open: a trial invocation failed. */
        REOPENED,
        /** Half-open → closed: the trial invocations succeeded. */
        CLOSED
    }

    /** The thresholds, from the {@code breaker.*} options. */
    public record Settings(
            int failureThreshold,
            double failureRate,
            Duration window,
            Duration cooldown,
            int halfOpenSuccesses)
            implements Serializable {
        public Settings {
            if (failureThreshold < 1 || halfOpenSuccesses < 1) {
                throw new IllegalArgumentException("breaker thresholds must be at least 1");
            }
            if (!(failureRate > 0 && failureRate <= 1)) {
                throw new IllegalArgumentException("breaker.failure-rate must be in (0, 1]");
            }
        }
    }

    private final Settings settings;
    private final LongSupplier clock;
    private final long bucketMillis;
    private final long[] bucketEpoch = new long[BUCKETS];
    private final int[] calls = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];
    private State state = State.CLOSED;
    private long openedAt;
    private int trialSuccesses;

    /**
     * @param clock milliseconds, monotonic enough for cool-downs (the job passes {@code
     *     System::currentTimeMillis}; tests pass a fake)
     */
    public CircuitBreaker(Settings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.bucketMillis = Math.max(1, settings.window().toMillis() / BUCKETS);
        java.util.Arrays.fill(bucketEpoch, Long.MIN_VALUE);
    }

    public State state() {
        return state;
    }

    /**
     * Whether the next invocation may run. An open breaker whose cool-down has passed half-opens
     * here.
     */
    public boolean allow() {
        if (state == State.OPEN && clock.getAsLong() - openedAt >= settings.cooldown().toMillis()) {
            state = State.HALF_OPEN;
            trialSuccesses = 0;
        }
        return state != State.OPEN;
    }

    public Transition onSuccess() {
        if (state == State.HALF_OPEN) {
            if (++trialSuccesses >= settings.halfOpenSuccesses()) {
                reset();
                return Transition.CLOSED;
            }
            return Transition.NONE;
        }
        record(false);
        return Transition.NONE;
    }

    public Transition onFailure() {
        if (state == State.HALF_OPEN) {
            open();
            return Transition.REOPENED;
        }
        if (state == State.OPEN) {
            return Transition.NONE;
        }
        record(true);
        int f = failuresInWindow();
        int c = callsInWindow();
        if (f >= settings.failureThreshold() && f >= settings.failureRate() * c) {
            open();
            return Transition.OPENED;
        }
        return Transition.NONE;
    }

    /** Back to closed with an empty window: a new version of the rule starts afresh. */
    public void reset() {
        state = State.CLOSED;
        trialSuccesses = 0;
        java.util.Arrays.fill(bucketEpoch, Long.MIN_VALUE);
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(failures, 0);
    }

    /** Failures counted in the current window. */
    public int failuresInWindow() {
        return sum(failures);
    }

    /** Invocations counted in the current window. */
    public int callsInWindow() {
        return sum(calls);
    }

    private void open() {
        state = State.OPEN;
        openedAt = clock.getAsLong();
        trialSuccesses = 0;
    }

    private void record(boolean failed) {
        long epoch = Math.floorDiv(clock.getAsLong(), bucketMillis);
        int i = (int) Math.floorMod(epoch, (long) BUCKETS);
        if (bucketEpoch[i] != epoch) {
            bucketEpoch[i] = epoch;
            calls[i] = 0;
            failures[i] = 0;
        }
        calls[i]++;
        if (failed) {
            failures[i]++;
        }
    }

    private int sum(int[] counts) {
        long current = Math.floorDiv(clock.getAsLong(), bucketMillis);
        int total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketEpoch[i] != Long.MIN_VALUE && current - bucketEpoch[i] < BUCKETS) {
                total += counts[i];
            }
        }
        return total;
    }
}
