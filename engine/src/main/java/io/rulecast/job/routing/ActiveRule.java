package io.rulecast.job.routing;

import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.Rollout;
import io.rulecast.routing.RuleTable;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.RuleId;

/**
 * A rule that runs in the job: the row it came from and the routing core's {@link RunningRule} (its
 * compiled version and its circuit breaker). The breaker belongs to the version: a new version
 * starts with a closed one.
 */
public final class ActiveRule implements RuleTable.Ranked {
    private final RoutingRow row;
    private final RunningRule running;
    private final Rollout rollout;
    private final String failedCandidate;
    private ActiveRule asCandidate;

    ActiveRule(RoutingRow row, RunningRule running) {
        this(row, running, null, null);
    }

    private ActiveRule(
            RoutingRow row, RunningRule running, Rollout rollout, String failedCandidate) {
        this.row = row;
        this.running = running;
        this.rollout = rollout;
        this.failedCandidate = failedCandidate;
    }

    /** The candidate version beside this one, or null. */
    public Rollout rollout() {
        return rollout;
    }

    /** The version of the row's candidate when it did not compile (it never runs), else null. */
    public String failedCandidate() {
        return failedCandidate;
    }

    /** The same live version with another candidate (or none). */
    ActiveRule withRollout(Rollout newRollout, String newFailedCandidate) {
        if (newRollout == rollout
                && java.util.Objects.equals(newFailedCandidate, failedCandidate)) {
            return this;
        }
        return new ActiveRule(row, running, newRollout, newFailedCandidate);
    }

    /** The rollout's candidate as a rule of this row, for the events a canary gives it. */
    ActiveRule asCandidate() {
        ActiveRule c = asCandidate;
        if (c == null) {
            c = new ActiveRule(row, rollout.candidate().with(row.ruleId(), row.priority()));
            asCandidate = c;
        }
        return c;
    }

    /**
     * The {@code rolloutState} gauge: 0 no rollout, 1 shadow, 2 canary, 3 aborted on this instance,
     * 4 the candidate did not compile.
     */
    int rolloutState() {
        if (failedCandidate != null) {
            return 4;
        }
        if (rollout == null) {
            return 0;
        }
        if (rollout.aborted()) {
            return 3;
        }
        return rollout.mode() == Rollout.Mode.SHADOW ? 1 : 2;
    }

    public RoutingRow row() {
        return row;
    }

    /** What the routing core's runner runs. */
    public RunningRule running() {
        return running;
    }

    public CompiledRule compiled() {
        return running.compiled();
    }

    public CircuitBreaker breaker() {
        return running.breaker();
    }

    @Override
    public RuleId ruleId() {
        return row.ruleId();
    }

    /** {@code domain/event_type/rule_name}. */
    public String name() {
        return running.name();
    }

    public String version() {
        return running.version();
    }

    @Override
    public int priority() {
        return row.priority();
    }

    /** The same compiled version with a row that differs in what does not change the version. */
    ActiveRule withRow(RoutingRow newRow) {
        return new ActiveRule(
                newRow, running.with(newRow.ruleId(), newRow.priority()), rollout, failedCandidate);
    }

    @Override
    public String toString() {
        return running.toString();
    }
}
