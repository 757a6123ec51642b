package io.rulecast.runtime;

import java.util.Objects;

/** A failed invocation: its reason and a one-line message a person can act on. */
public record Failure(FailureReason reason, String message) {
    public Failure {
        Objects.requireNonNull(reason, "reason");
        message = message == null ? reason.name() : message;
    }
}
