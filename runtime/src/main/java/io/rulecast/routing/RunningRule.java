package io.rulecast.routing;

import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.RuleId;

/**
 * A compiled rule as the routing core runs it: its place in the order of its event type and, in the
 * job, its circuit breaker. The breaker belongs to the version: a new version starts with a closed
 * one.
 */
public final class RunningRule implements RuleTable.Ranked {
    private final RuleId id;
    private final CompiledRule compiled;
    private final int priority;
    private final CircuitBreaker breaker;
    private final String name;

    /**
     * @param id the rule's id as its row now names it (a rename keeps the compiled version)
     * @param priority the row's priority (higher runs first)
     * @param breaker the rule's breaker, or null for one that never opens (replay without {@code
     *     breaker.*} settings)
     */
    public RunningRule(RuleId id, CompiledRule compiled, int priority, CircuitBreaker breaker) {
        this.id = id;
        this.compiled = compiled;
        this.priority = priority;
        this.breaker = breaker;
        this.name = id.toString();
    }

    public CompiledRule compiled() {
        return compiled;
    }

    /** The circuit breaker, or null when this rule has none. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public RuleId ruleId() {
        return id;
    }

    @Override
    public int priority() {
        return priority;
    }

    /** {@code domain/event_type/rule_name}. */
    public String name() {
        return name;
    }

    public String version() {
        return compiled.version();
    }

    /** The same compiled version and breaker under another id or priority. */
    public RunningRule with(RuleId newId, int newPriority) {
        return new RunningRule(newId, compiled, newPriority, breaker);
    }

    @Override
    public String toString() {
        return name + "@" + compiled.definition().shortVersion();
    }
}
