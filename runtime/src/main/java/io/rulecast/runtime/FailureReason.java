package io.rulecast.runtime;

/** Why a rule invocation produced nothing. The names appear in dead letters and replay output. */
public enum FailureReason {
    /** The script does not compile, or uses a construct the sandbox refuses at compile time. */
    COMPILE_ERROR,
    /** The script threw. */
    SCRIPT_ERROR,
    /** The script returned something other than null, a map, or a list of maps. */
    BAD_RETURN,
    /** The script called, read or created something outside the sandbox's allowlist. */
    SANDBOX_VIOLATION,
    TIMEOUT,
    MEMORY_LIMIT,
    OUTPUT_LIMIT,
    STACK_OVERFLOW,
    /** The rule's circuit breaker is open (decided by the job, not the runtime). */
    CIRCUIT_OPEN,
    /**
     * A dependency of {@code ctx} (a dimension lookup, the state store) could not answer: not the
     * rule's fault and not the event's. Never a dead-letter reason: the job retries the event until
     * the dependency is back, or fails over (see {@link DependencyUnavailableException}).
     */
    DEPENDENCY_UNAVAILABLE
}
