package io.rulecast.event;

import java.util.Objects;

/** What {@link EventParser} made of one record value: an event, or the reason it is not one. */
public sealed interface ParseResult permits ParseResult.Parsed, ParseResult.Rejected {

    /** A valid event. */
    record Parsed(BusinessEvent event) implements ParseResult {
        public Parsed {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * Not an event.
     *
     * @param field the offending top-level field, or null when the value as a whole is at fault
     * @param message one line for the dead-letter record, naming the field and what was found
     */
    record Rejected(RejectionReason reason, String field, String message) implements ParseResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
