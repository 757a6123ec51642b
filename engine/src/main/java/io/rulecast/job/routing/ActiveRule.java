package io.rulecast.job.routing;

import io.rulecast.job.rules.RoutingRow;
import io.rulecast.runtime.CompiledRule;

/**
 * A rule that runs: the row it came from, its compiled version and its circuit breaker. The breaker
 * belongs to the version: a new version starts with a closed one.
 */
public final class ActiveRule {
    private final RoutingRow row;
    private final CompiledRule compiled;
    private final CircuitBreaker breaker;
    private final String name;

    ActiveRule(RoutingRow row, CompiledRule compiled, CircuitBreaker breaker) {
        this.row = row;
        this.compiled = compiled;
        this.breaker = breaker;
        this.name = row.ruleId().toString();
    }

    public RoutingRow row() {
        return row;
    }

    public CompiledRule compiled() {
        return compiled;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** {@code domain/event_type/rule_name}. */
    public String name() {
        return name;
    }

    public String version() {
        return compiled.version();
    }

    public int priority() {
        return row.priority();
    }

    /** The same compiled version with a row that differs in what does not change the version. */
    ActiveRule withRow(RoutingRow newRow) {
        return new ActiveRule(newRow, compiled, breaker);
    }

    @Override
    public String toString() {
        return name + "@" + compiled.definition().shortVersion();
    }
}
