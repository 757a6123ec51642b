package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rulecast.event.RejectionReason;
import io.rulecast.runtime.FailureReason;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {
    /** A new reason of the runtime or the parser must get a dead-letter reason of its name. */
    @Test
    void everyFailureAndRejectionHasADeadLetterReason() {
        for (FailureReason r : FailureReason.values()) {
            if (r == FailureReason.DEPENDENCY_UNAVAILABLE) {
                continue;
            }
            assertEquals(r.name(), DeadLetterReason.of(r).name());
        }
        for (RejectionReason r : RejectionReason.values()) {
            assertEquals(r.name(), DeadLetterReason.of(r).name());
        }
    }

    /** An outage of a dependency is retried or fails the job over: never a dead letter. */
    @Test
    void aDependencyOutageIsNoDeadLetterReason() {
        assertThrows(
                IllegalArgumentException.class,
                () -> DeadLetterReason.of(FailureReason.DEPENDENCY_UNAVAILABLE));
        assertThrows(
                IllegalArgumentException.class,
                () -> DeadLetterReason.valueOf(FailureReason.DEPENDENCY_UNAVAILABLE.name()));
    }
}
