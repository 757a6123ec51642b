package io.rulecast.job.routing;

import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.Rollout;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.CompileException;
import java.util.function.Supplier;

/**
 * Gives a rule the rollout candidate its row names (SPEC.md "Safe rollout"), compiled as any
 * version is (sandbox, the runtime's cache by version hash), with a breaker of its own. A candidate
 * that does not compile never runs; the live version is not affected. The candidate and its abort
 * state carry over while the row names the same candidate version and mode; a new percent keeps
 * them.
 */
final class CandidateCompiler {

    /** A rule with its candidate, and the candidate's compile error when it newly failed. */
    record Attached(ActiveRule rule, CompileException error) {}

    private final RuleRegistry.Compiler compiler;
    private final Supplier<CircuitBreaker> breakers;

    CandidateCompiler(RuleRegistry.Compiler compiler, Supplier<CircuitBreaker> breakers) {
        this.compiler = compiler;
        this.breakers = breakers;
    }

    /**
     * @param rule the live rule of {@code row} (without a candidate, or with the previous one)
     * @param previous the rule that ran before the change, or null
     */
    Attached attach(ActiveRule rule, ActiveRule previous, RoutingRow row) {
        if (!row.hasRollout()) {
            return new Attached(rule.withRollout(null, null), null);
        }
        Rollout before = previous == null ? null : previous.rollout();
        String failedBefore = previous == null ? null : previous.failedCandidate();
        String version = row.candidateVersion();
        double percent = row.rolloutPercent() == null ? 0 : row.rolloutPercent();
        Rollout.Mode mode;
        try {
            mode = Rollout.Mode.of(row.rolloutMode());
        } catch (IllegalArgumentException e) {
            return new Attached(
                    rule.withRollout(null, version),
                    version.equals(failedBefore)
                            ? null
                            : new CompileException(
                                    0,
                                    0,
                                    "rollout_mode '"
                                            + row.rolloutMode()
                                            + "' is neither shadow nor canary"));
        }
        if (before != null && before.isFor(version, mode)) {
            Rollout same = before.percent() == percent ? before : before.withPercent(percent);
            return new Attached(rule.withRollout(same, null), null);
        }
        if (version.equals(failedBefore)) {
            return new Attached(rule.withRollout(null, version), null);
        }
        RunningRule candidate;
        try {
            candidate =
                    new RunningRule(
                            row.ruleId(),
                            compiler.compile(row.candidateDefinition()),
                            row.priority(),
                            breakers.get());
        } catch (CompileException e) {
            return new Attached(rule.withRollout(null, version), e);
        } catch (IllegalArgumentException e) { // a language that is neither groovy nor js
            return new Attached(
                    rule.withRollout(null, version), new CompileException(0, 0, e.getMessage()));
        }
        return new Attached(
                rule.withRollout(new Rollout(candidate, mode, percent, rule.version()), null),
                null);
    }
}
