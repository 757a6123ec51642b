package io.rulecast.job.rules;

/**
 * A change of {@code routing_configs} seen by the rules source: a row that is new or differs from
 * the previous poll, or a row that is gone. A disabled row is an {@link Kind#UPSERT} with {@code
 * enabled == false}; the routing function stops the rule either way.
 */
public record RuleChange(Kind kind, RoutingRow row) {

    /** What happened to the row. */
    public enum Kind {
        UPSERT,
        DELETE,
        /**
         * Every row of the first poll has been sent: until it arrives, a fresh job cannot tell "no
         * rule serves this event" from "the rules have not arrived yet". No row.
         */
        SYNCED
    }

    public static RuleChange upsert(RoutingRow row) {
        return new RuleChange(Kind.UPSERT, row);
    }

    public static RuleChange delete(RoutingRow row) {
        return new RuleChange(Kind.DELETE, row);
    }

    public static RuleChange synced() {
        return new RuleChange(Kind.SYNCED, null);
    }
}
