package io.rulecast.runtime;

/**
 * Thrown inside an invocation to end it with a typed failure (a bound broken, a sandbox refusal, a
 * bad value handed to {@code ctx}). Unchecked so that it crosses script frames of both languages.
 * No stack trace: it is control flow, and its message is what people read.
 */
public final class ScriptFailure extends RuntimeException {
    private final FailureReason reason;

    public ScriptFailure(FailureReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public FailureReason reason() {
        return reason;
    }

    public Failure toFailure() {
        return new Failure(reason, getMessage());
    }
}
