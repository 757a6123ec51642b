package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.event.RejectionReason;
import io.rulecast.runtime.FailureReason;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {
    /** A new reason of the runtime or the parser must get a dead-letter reason of its name. */
    @Test
    void everyFailureAndRejectionHasADeadLetterReason() {
        for (FailureReason r : FailureReason.values()) {
            assertEquals(r.name(), DeadLetterReason.of(r).name());
        }
        for (RejectionReason r : RejectionReason.values()) {
            assertEquals(r.name(), DeadLetterReason.of(r).name());
        }
    }
}
