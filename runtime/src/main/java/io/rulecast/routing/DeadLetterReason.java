package io.rulecast.routing;

import io.rulecast.event.RejectionReason;
import io.rulecast.runtime.FailureReason;

/**
 * Why a record went to the dead-letter topic (header {@code rulecast.dlq.reason}) or, in replay,
 * was printed as a {@code rejected} or {@code failure} line. One type for every stage, so the job,
 * replay and the docs name the same reasons; {@link #of(FailureReason)} and {@link
 * #of(RejectionReason)} cover every reason of the runtime and of the event parser (a test keeps
 * them complete).
 */
public enum DeadLetterReason {
    // parse: the record is not an event (EventParser)
    MALFORMED_JSON,
    MISSING_FIELD,
    WRONG_TYPE,
    TOO_LARGE,
    BAD_ENCODING,
    // keying and routing
    /** Nothing at the job's key path. */
    NO_KEY,
    /** No rule serves the event's type (counted; dead-lettered only when configured). */
    NO_RULE,
    /**
     * The rules had not arrived (first start, or a restore waiting for the rules source's first
     * read) and the routing instance already held {@code routing.hold.max-events} events.
     */
    RULES_NOT_READY,
    // the rule's invocation (FailureReason)
    COMPILE_ERROR,
    SCRIPT_ERROR,
    BAD_RETURN,
    SANDBOX_VIOLATION,
    TIMEOUT,
    MEMORY_LIMIT,
    OUTPUT_LIMIT,
    STACK_OVERFLOW,
    /** The rule's circuit breaker is open. */
    CIRCUIT_OPEN,
    // outputs
    /** A write to a table or column the job may not write. */
    BAD_OUTPUT,
    /** The database refused a write the sink made (constraint, type). */
    SINK_REFUSED;

    /**
     * The reason of a failed invocation.
     *
     * @throws IllegalArgumentException for {@link FailureReason#DEPENDENCY_UNAVAILABLE}: an outage
     *     of a dependency is retried or fails the job over, it never dead-letters an event
     */
    public static DeadLetterReason of(FailureReason reason) {
        if (reason == FailureReason.DEPENDENCY_UNAVAILABLE) {
            throw new IllegalArgumentException(
                    "DEPENDENCY_UNAVAILABLE is retried, not dead-lettered");
        }
        return valueOf(reason.name());
    }

    /** The reason a record is not an event. */
    public static DeadLetterReason of(RejectionReason reason) {
        return valueOf(reason.name());
    }
}
