package io.rulecast.job.routing;

import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.CircuitBreaker;
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

    ActiveRule(RoutingRow row, RunningRule running) {
        this.row = row;
        this.running = running;
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
        return new ActiveRule(newRow, running.with(newRow.ruleId(), newRow.priority()));
    }

    @Override
    public String toString() {
        return running.toString();
    }
}
