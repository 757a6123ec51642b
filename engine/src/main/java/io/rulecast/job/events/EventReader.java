package io.rulecast.job.events;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.ParseResult;
import io.rulecast.routing.DeadLetterReason;
import java.io.Serializable;

/**
 * The job's one way into {@link EventParser}: serializable with the functions that use it, and
 * flattening the result to what a dead letter needs.
 */
public final class EventReader implements Serializable {
    private static final long serialVersionUID = 1L;

    /** An event, or why the value is not one ({@link io.rulecast.event.RejectionReason} name). */
    public record Result(BusinessEvent event, DeadLetterReason reason, String message) {
        public boolean ok() {
            return event != null;
        }
    }

    private final int maxBytes;
    private transient EventParser parser;

    /**
     * @param maxBytes {@code events.max.size}; larger values are rejected as TOO_LARGE
     */
    public EventReader(long maxBytes) {
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes));
    }

    public Result read(byte[] value) {
        if (parser == null) {
            parser = new EventParser(maxBytes);
        }
        ParseResult r = parser.parse(value);
        if (r instanceof ParseResult.Parsed p) {
            return new Result(p.event(), null, null);
        }
        ParseResult.Rejected rejected = (ParseResult.Rejected) r;
        return new Result(null, DeadLetterReason.of(rejected.reason()), rejected.message());
    }
}
