package io.rulecast.job.routing;

import io.rulecast.job.rules.RoutingRow;
import io.rulecast.job.rules.RuleChange;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.RuleDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The rules one routing instance runs, by {@code (domain, event_type)} in priority order (higher
 * first, then by name). Changes come from the rules stream; a version that does not compile never
 * replaces the running one. Not thread-safe: it lives in one Flink task.
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
     */
    public record Applied(
            Effect effect,
            RoutingRow row,
            ActiveRule active,
            ActiveRule previous,
            CompileException error) {}

    private static final Comparator<ActiveRule> ORDER =
            Comparator.comparingInt(ActiveRule::priority)
                    .reversed()
                    .thenComparing(ActiveRule::name);

    private final Compiler compiler;
    private final Supplier<CircuitBreaker> breakers;
    private final Map<Long, ActiveRule> byId = new HashMap<>();
    private Map<TypeKey, List<ActiveRule>> byType = Map.of();

    public RuleRegistry(Compiler compiler, Supplier<CircuitBreaker> breakers) {
        this.compiler = compiler;
        this.breakers = breakers;
    }

    /** The enabled rules of an event type, highest priority first; empty when none. */
    public List<ActiveRule> rulesFor(String domain, String eventType) {
        List<ActiveRule> rules = byType.get(new TypeKey(domain, eventType));
        return rules == null ? List.of() : rules;
    }

    public Collection<ActiveRule> all() {
        return byId.values();
    }

    public int size() {
        return byId.size();
    }

    /** The running rule of a routing row id, or null. */
    public ActiveRule get(long id) {
        return byId.get(id);
    }

    public Applied apply(RuleChange change) {
        RoutingRow row = change.row();
        ActiveRule previous = byId.get(row.id());
        if (change.kind() == RuleChange.Kind.DELETE || !row.enabled()) {
            if (previous == null) {
                return new Applied(Effect.UNCHANGED, row, null, null, null);
            }
            byId.remove(row.id());
            reindex();
            return new Applied(Effect.STOPPED, row, null, previous, null);
        }
        String version = row.version();
        if (previous != null && previous.version().equals(version)) {
            if (previous.row().equals(row)) {
                return new Applied(Effect.UNCHANGED, row, previous, previous, null);
            }
            ActiveRule updated = previous.withRow(row);
            byId.put(row.id(), updated);
            reindex();
            return new Applied(Effect.UPDATED, row, updated, previous, null);
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
        ActiveRule active = new ActiveRule(row, compiled, breakers.get());
        byId.put(row.id(), active);
        reindex();
        return new Applied(Effect.ACTIVATED, row, active, previous, null);
    }

    private void reindex() {
        Map<TypeKey, List<ActiveRule>> index = new HashMap<>();
        for (ActiveRule r : byId.values()) {
            index.computeIfAbsent(
                            new TypeKey(r.row().domain(), r.row().eventType()),
                            k -> new ArrayList<>())
                    .add(r);
        }
        Map<TypeKey, List<ActiveRule>> sorted = new HashMap<>();
        index.forEach(
                (k, v) -> {
                    v.sort(ORDER);
                    sorted.put(k, List.copyOf(v));
                });
        byType = sorted;
    }

    private record TypeKey(String domain, String eventType) {}
}
