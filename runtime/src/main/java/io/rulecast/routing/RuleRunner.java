package io.rulecast.routing;

import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Failure;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one rule over one event, the same way in the job and in replay: the breaker check, the
 * invocation, the check of every table write, then either the writes and messages or a dead-letter
 * reason. The state's writes are committed only when the whole run succeeded; the breaker hears of
 * the result. What to do with the result (collect, count, print) is the caller's.
 */
public final class RuleRunner {

    /**
     * The table/column check of an upsert or delete: null when the table takes it, else why not.
     * May throw when it cannot tell.
     */
    @FunctionalInterface
    public interface WriteCheck {
        String check(Emission write);

        /** Takes every write (replay without a database). */
        WriteCheck NONE = w -> null;
    }

    /**
     * What a run gave.
     *
     * @param outcome the invocation's outcome; null when the breaker refused the event
     * @param reason null on success and when a {@linkplain #dependencyUnavailable() dependency was
     *     unavailable}, else the dead-letter reason (the failure's, {@link
     *     DeadLetterReason#BAD_OUTPUT} or {@link DeadLetterReason#CIRCUIT_OPEN})
     * @param writes on success: the upserts and deletes in emission order
     * @param messages on success: the alerts and metrics in emission order
     * @param transition what the result did to the breaker
     */
    public record Run(
            Outcome outcome,
            DeadLetterReason reason,
            String message,
            List<Emission> writes,
            List<Emission> messages,
            CircuitBreaker.Transition transition) {
        public boolean ok() {
            return reason == null && !dependencyUnavailable();
        }

        /**
         * A dependency of {@code ctx} (a dimension lookup, the state store) could not answer: no
         * dead-letter reason, nothing written, the state left as it was and the breaker not told.
         * The caller retries the run (the job) or reports it (replay); the failure's message says
         * which dependency.
         */
        public boolean dependencyUnavailable() {
            return outcome != null
                    && outcome.failed()
                    && outcome.failure().reason() == FailureReason.DEPENDENCY_UNAVAILABLE;
        }

        /** Whether the rule was invoked (the breaker let it). */
        public boolean invoked() {
            return outcome != null;
        }
    }

    private final WriteCheck check;

    public RuleRunner(WriteCheck check) {
        this.check = check == null ? WriteCheck.NONE : check;
    }

    public Run run(
            RunningRule rule,
            Map<String, Object> eventView,
            JsonStateStore state,
            DimensionLookup dims)
            throws Exception {
        CircuitBreaker breaker = rule.breaker();
        if (breaker != null && !breaker.allow()) {
            return new Run(
                    null,
                    DeadLetterReason.CIRCUIT_OPEN,
                    "circuit breaker of "
                            + rule.name()
                            + " is open; it retries after breaker.cooldown",
                    List.of(),
                    List.of(),
                    CircuitBreaker.Transition.NONE);
        }
        state.begin();
        Outcome outcome = rule.compiled().invoke(eventView, state, dims);
        if (outcome.failed()
                && outcome.failure().reason() == FailureReason.DEPENDENCY_UNAVAILABLE) {
            // Not the rule's failure: it must not count towards opening the breaker.
            state.rollback();
            return new Run(
                    outcome,
                    null,
                    outcome.failure().message(),
                    List.of(),
                    List.of(),
                    CircuitBreaker.Transition.NONE);
        }
        DeadLetterReason reason = null;
        String message = null;
        List<Emission> writes = List.of();
        List<Emission> messages = List.of();
        if (outcome.failed()) {
            Failure f = outcome.failure();
            reason = DeadLetterReason.of(f.reason());
            message = f.message();
        } else {
            String stampColumn = rule.compiled().versionColumn();
            for (Emission emitted : outcome.emissions()) {
                Emission e = stampColumn == null ? emitted : stamp(emitted, stampColumn, rule);
                if (e instanceof Emission.Upsert || e instanceof Emission.Delete) {
                    String bad = check(e);
                    if (bad != null) {
                        reason = DeadLetterReason.BAD_OUTPUT;
                        message = bad;
                        break;
                    }
                    writes = add(writes, e);
                } else {
                    messages = add(messages, e);
                }
            }
        }
        if (reason != null) {
            state.rollback();
            CircuitBreaker.Transition t =
                    breaker == null ? CircuitBreaker.Transition.NONE : breaker.onFailure();
            return new Run(outcome, reason, message, List.of(), List.of(), t);
        }
        state.commit();
        CircuitBreaker.Transition t =
                breaker == null ? CircuitBreaker.Transition.NONE : breaker.onSuccess();
        return new Run(outcome, null, null, writes, messages, t);
    }

    /**
     * SPEC "Version stamps": an upsert of a rule whose {@code config_json} names a {@code
     * version_column} carries the version's 12-character hash in that column (the rule's own value
     * for it, if any, is replaced), so the rows a version wrote can be found with one SELECT.
     */
    static Emission stamp(Emission e, String column, RunningRule rule) {
        if (!(e instanceof Emission.Upsert u)) {
            return e;
        }
        Map<String, Object> row = new LinkedHashMap<>(u.row());
        row.put(column, rule.compiled().definition().shortVersion());
        return new Emission.Upsert(u.table(), row);
    }

    private String check(Emission w) {
        String table = w instanceof Emission.Upsert u ? u.table() : ((Emission.Delete) w).table();
        try {
            String reason = check.check(w);
            return reason == null
                    ? null
                    : (w instanceof Emission.Upsert ? "upsert" : "delete") + " refused: " + reason;
        } catch (RuntimeException e) {
            return "cannot check the write to " + table + ": " + e.getMessage();
        }
    }

    private static List<Emission> add(List<Emission> list, Emission e) {
        List<Emission> l = list.isEmpty() ? new ArrayList<>(4) : list;
        l.add(e);
        return l;
    }
}
