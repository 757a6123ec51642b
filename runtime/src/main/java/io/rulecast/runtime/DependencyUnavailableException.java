package io.rulecast.runtime;

/**
 * Thrown by a {@link DimensionLookup} or a {@link StateStore} whose backing service cannot answer
 * now (the dimension database is unreachable, the keyed state backend failed): an infrastructure
 * fault, not the rule's. The invocation that met it ends with {@link
 * FailureReason#DEPENDENCY_UNAVAILABLE} whatever the script does afterwards (catching it changes
 * nothing), and the caller retries the event rather than dead-lettering it or blaming the rule.
 *
 * <p>Only the host raises it: scripts cannot name host classes (the Groovy sandbox's allowlist and
 * GraalJS's host access both refuse them), and what marks an invocation is the {@code ctx} call
 * that saw the lookup or the store fail, never an exception a script threw.
 */
public final class DependencyUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DependencyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
