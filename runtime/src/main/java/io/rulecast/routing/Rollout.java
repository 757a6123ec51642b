package io.rulecast.routing;

import java.io.Serializable;
import java.util.Locale;

/**
 * A rule's candidate version beside its live one (SPEC.md "Safe rollout"): the compiled candidate
 * with its own circuit breaker, the mode ({@code shadow} or {@code canary} with a percent), the
 * live version the rollout started from, and its abort state on this instance. Not thread-safe: it
 * lives in one Flink task (or one replay).
 *
 * <p>The abort state belongs to the candidate version and mode: {@link #withPercent} keeps it, a
 * new candidate or mode is a new {@code Rollout}.
 */
public final class Rollout {

    /** How the candidate runs. */
    public enum Mode {
        /** After the live version, on every event, applying nothing; outputs compared. */
        SHADOW,
        /** Instead of the live version for a stable share of the state keys. */
        CANARY;

        /** {@code shadow} or {@code canary} (the column's values), case-insensitive. */
        public static Mode of(String text) {
            return Mode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * When a candidate is aborted: {@code rollout.max-failure-rate}, {@code rollout.min-events}.
     */
    public record Settings(double maxFailureRate, int minEvents) implements Serializable {
        /** Never aborts on failures (replay reports every event instead). */
        public static final Settings NEVER = new Settings(1.0, Integer.MAX_VALUE);

        public static final Settings DEFAULTS = new Settings(0.05, 20);

        public Settings {
            if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) {
                throw new IllegalArgumentException("rollout.max-failure-rate must be in [0, 1]");
            }
            if (minEvents < 1) {
                throw new IllegalArgumentException("rollout.min-events must be at least 1");
            }
        }
    }

    /** The counts and the abort of one candidate on this instance. */
    private static final class Tracker {
        long invocations;
        long failures;
        String abortReason;
    }

    private final RunningRule candidate;
    private final Mode mode;
    private final double percent;
    private final String baseVersion;
    private final Tracker tracker;

    /**
     * @param candidate the compiled candidate, with its own breaker (or null for none)
     * @param percent for {@link Mode#CANARY}: the share of keys it serves, 0 to 100
     * @param baseVersion the live version the rollout started from, or null when unknown
     */
    public Rollout(RunningRule candidate, Mode mode, double percent, String baseVersion) {
        this(candidate, mode, percent, baseVersion, new Tracker());
    }

    private Rollout(
            RunningRule candidate, Mode mode, double percent, String baseVersion, Tracker t) {
        this.candidate = candidate;
        this.mode = mode;
        this.percent = percent;
        this.baseVersion = baseVersion;
        this.tracker = t;
    }

    public RunningRule candidate() {
        return candidate;
    }

    public Mode mode() {
        return mode;
    }

    public double percent() {
        return percent;
    }

    public String baseVersion() {
        return baseVersion;
    }

    public String candidateVersion() {
        return candidate.version();
    }

    /** The same candidate (and abort state) serving another share of keys. */
    public Rollout withPercent(double newPercent) {
        return new Rollout(candidate, mode, newPercent, baseVersion, tracker);
    }

    /** Whether the row still names this candidate version in this mode. */
    public boolean isFor(String candidateVersion, Mode rowMode) {
        return candidate.version().equals(candidateVersion) && mode == rowMode;
    }

    /** Whether the candidate shadows the live version now (not aborted). */
    public boolean shadows() {
        return mode == Mode.SHADOW && tracker.abortReason == null;
    }

    /** Whether the candidate serves the events of state key {@code key} now. */
    public boolean serves(String key) {
        return mode == Mode.CANARY
                && tracker.abortReason == null
                && key != null
                && CanarySplit.servesCandidate(candidate.name(), key, percent);
    }

    public boolean aborted() {
        return tracker.abortReason != null;
    }

    /** Why the candidate was stopped on this instance, or null. */
    public String abortReason() {
        return tracker.abortReason;
    }

    /**
     * Stops the candidate as it was stopped before a restore (the counts that led to it are not
     * kept; {@code reason} says why it was). Does nothing if it is stopped already.
     */
    public void abortAgain(String reason) {
        if (tracker.abortReason == null) {
            tracker.abortReason = reason;
        }
    }

    public long invocations() {
        return tracker.invocations;
    }

    public long failures() {
        return tracker.failures;
    }

    /**
     * Counts a run of the candidate. Returns the reason when this run aborts the rollout (its
     * breaker opened, or its failure share passed the limit after enough invocations), else null.
     */
    public String record(RuleRunner.Run run, Settings settings) {
        if (tracker.abortReason != null) {
            return null;
        }
        if (run.invoked()) {
            tracker.invocations++;
            if (!run.ok()) {
                tracker.failures++;
            }
        }
        if (run.transition() == CircuitBreaker.Transition.OPENED) {
            tracker.abortReason =
                    "its circuit breaker opened after "
                            + tracker.failures
                            + " failures in "
                            + tracker.invocations
                            + " invocations";
        } else if (tracker.invocations >= settings.minEvents()
                && tracker.failures > settings.maxFailureRate() * tracker.invocations) {
            tracker.abortReason =
                    "it failed "
                            + tracker.failures
                            + " of "
                            + tracker.invocations
                            + " invocations, more than rollout.max-failure-rate "
                            + settings.maxFailureRate();
        }
        return tracker.abortReason;
    }

    @Override
    public String toString() {
        return candidate
                + " "
                + mode.id()
                + (mode == Mode.CANARY ? " " + percent + " %" : "")
                + (aborted() ? " (aborted)" : "");
    }
}
