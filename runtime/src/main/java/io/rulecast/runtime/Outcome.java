package io.rulecast.runtime;

import java.util.Collections;
import java.util.List;

/**
 * The result of running one rule over one event: either every emission (ctx calls first, then the
 * returned rows) or a failure with none of them. A failed invocation is all-or-nothing so a
 * half-run script never leaves half its writes behind.
 */
public record Outcome(
        List<Emission> emissions, List<String> logs, Failure failure, long nanos, boolean stuck) {

    public static Outcome success(List<Emission> emissions, List<String> logs, long nanos) {
        return new Outcome(List.copyOf(emissions), List.copyOf(logs), null, nanos, false);
    }

    /**
     * A success whose lists the caller hands over: nobody may change them afterwards ({@link
     * RuleContext#success}). Saves copying them once per invocation.
     */
    static Outcome owning(List<Emission> emissions, List<String> logs, long nanos) {
        return new Outcome(
                Collections.unmodifiableList(emissions),
                logs.isEmpty() ? List.of() : Collections.unmodifiableList(logs),
                null,
                nanos,
                false);
    }

    public static Outcome failed(Failure failure, List<String> logs, long nanos) {
        return new Outcome(List.of(), List.copyOf(logs), failure, nanos, false);
    }

    /**
     * This outcome, marked as one whose thread was stuck: it stayed in the rule {@link
     * Guard#STUCK_FACTOR} × its timeout or longer, inside code that ignores cancellation.
     */
    Outcome asStuck() {
        return new Outcome(emissions, logs, failure, nanos, true);
    }

    public boolean failed() {
        return failure != null;
    }
}
