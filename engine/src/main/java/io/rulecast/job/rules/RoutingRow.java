package io.rulecast.job.rules;

import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.VersionHash;

/**
 * One row of {@code routing_configs} as the job reads it. A plain record so that Flink serializes
 * it as a POJO, both on the broadcast stream and in broadcast state.
 *
 * @param updateTime {@code update_time} in epoch millis
 */
public record RoutingRow(
        long id,
        String domain,
        String eventType,
        String ruleName,
        String language,
        String script,
        String configJson,
        boolean enabled,
        int priority,
        long updateTime) {

    /** {@code domain/event_type/rule_name}. */
    public RuleId ruleId() {
        return new RuleId(domain, eventType, ruleName);
    }

    /** The SPEC version hash of the row as stored. */
    public String version() {
        return VersionHash.of(
                language == null ? "" : language, script == null ? "" : script, configJson);
    }

    /**
     * The runtime's view of the row.
     *
     * @throws IllegalArgumentException when the language is neither groovy nor js
     */
    public RuleDefinition toDefinition() {
        return new RuleDefinition(
                ruleId(),
                Language.of(language),
                script == null ? "" : script,
                configJson,
                priority,
                enabled);
    }
}
