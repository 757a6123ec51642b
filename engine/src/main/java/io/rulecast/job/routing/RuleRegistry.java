package io.rulecast.job.routing;

import io.rulecast.job.rules.RoutingRow;
import io.rulecast.job.rules.RuleChange;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.RuleTable;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.RuleDefinition;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rules one routing instance runs, kept in the routing core's {@link RuleTable} (by {@code
 * (domain, event_type)} in the order replay uses too). Changes come from the rules stream; a
 * version that does not compile never replaces the running one. Not thread-safe: it lives in one
 * Flink task.
 */
public final class RuleRegistry {

    /** Compiles a rule; the job passes its {@link io.rulecast.runtime.ScriptRuntime}. */
    @FunctionalInterface
    public interface Compiler {
        CompiledRule compile(RuleDefinition definition) throws CompileException;
    }

    /** What a change did. */
    public enum Effect {
        /** A new rule, or a new version of a running one, now runs. */
        ACTIVATED,
        /** Same version; only priority or names changed. */
        UPDATED,
        /** The rule was disabled or deleted and no longer runs. */
        STOPPED,
        /** The new version does not compile; the previous one (if any) still runs. */
        COMPILE_FAILED,
        /** Nothing to do (a row seen before, a disabled row that was not running). */
        UNCHANGED
    }

    /**
     * The result of {@link #apply}.
     *
     * @param active the rule now running for the row, or null
     * @param previous the rule that ran before the change, or null
     * @param error for {@link Effect#COMPILE_FAILED}: why
     * @param candidateError when the row's rollout candidate newly failed to compile: why (the live
     *     version runs on, the candidate never runs)
     */
    public record Applied(
            Effect effect,
            RoutingRow row,
            ActiveRule active,
            ActiveRule previous,
            CompileException error,
            CompileException candidateError) {
        public Applied(
                Effect effect,
                RoutingRow row,
                ActiveRule active,
                ActiveRule previous,
                CompileException error) {
            this(effect, row, active, previous, error, null);
        }
    }

    private final Compiler compiler;
    private final Supplier<CircuitBreaker> breakers;
    private final RuleTable<Long, ActiveRule> table = new RuleTable<>();
    private final CandidateCompiler candidates;

    public RuleRegistry(Compiler compiler, Supplier<CircuitBreaker> breakers) {
        this.compiler = compiler;
        this.breakers = breakers;
        this.candidates = new CandidateCompiler(compiler, breakers);
    }

    /** The enabled rules of an event type, highest priority first; empty when none. */
    public List<ActiveRule> rulesFor(String domain, String eventType) {
        return table.rulesFor(domain, eventType);
    }

    public Collection<ActiveRule> all() {
        return table.all();
    }

    public int size() {
        return table.size();
    }

    /** The running rule of a routing row id, or null. */
    public ActiveRule get(long id) {
        return table.get(id);
    }

    public Applied apply(RuleChange change) {
        RoutingRow row = change.row();
        ActiveRule previous = table.get(row.id());
        if (change.kind() == RuleChange.Kind.DELETE || !row.enabled()) {
            if (previous == null) {
                return new Applied(Effect.UNCHANGED, row, null, null, null);
            }
            table.remove(row.id());
            return new Applied(Effect.STOPPED, row, null, previous, null);
        }
        String version = row.version();
        if (previous != null && previous.version().equals(version)) {
            if (previous.row().equals(row)) {
                return new Applied(Effect.UNCHANGED, row, previous, previous, null);
            }
            // rollout: the candidate columns may be what changed
            CandidateCompiler.Attached c = candidates.attach(previous.withRow(row), previous, row);
            ActiveRule updated = c.rule();
            table.put(row.id(), updated);
            return new Applied(Effect.UPDATED, row, updated, previous, null, c.error());
        }
        CompiledRule compiled;
        try {
            RuleDefinition definition;
            try {
                definition = row.toDefinition();
            } catch (IllegalArgumentException e) {
                throw new CompileException(0, 0, e.getMessage());
            }
            compiled = compiler.compile(definition);
        } catch (CompileException e) {
            return new Applied(Effect.COMPILE_FAILED, row, previous, previous, e);
        }
        ActiveRule active =
                new ActiveRule(
                        row,
                        new RunningRule(row.ruleId(), compiled, row.priority(), breakers.get()));
        // rollout: the row's candidate beside the new live version
        CandidateCompiler.Attached c = candidates.attach(active, previous, row);
        active = c.rule();
        table.put(row.id(), active);
        return new Applied(Effect.ACTIVATED, row, active, previous, null, c.error());
    }
}
