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
 * @param candidateLanguage the rollout candidate's language, or null (the candidate columns of
 *     schema V3; SPEC.md "Safe rollout")
 * @param rolloutMode {@code shadow}, {@code canary} or null (no rollout)
 * @param rolloutPercent for a canary: the share of state keys the candidate serves
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
        long updateTime,
        String candidateLanguage,
        String candidateScript,
        String candidateConfigJson,
        String rolloutMode,
        Double rolloutPercent) {

    /** A row without a rollout. */
    public RoutingRow(
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
        this(
                id,
                domain,
                eventType,
                ruleName,
                language,
                script,
                configJson,
                enabled,
                priority,
                updateTime,
                null,
                null,
                null,
                null,
                null);
    }

    /** Whether the row carries a rollout (a mode and a candidate script). */
    public boolean hasRollout() {
        return rolloutMode != null && candidateScript != null;
    }

    /** The SPEC version hash of the candidate; only when {@link #hasRollout()}. */
    public String candidateVersion() {
        return VersionHash.of(
                candidateLanguage == null ? "" : candidateLanguage,
                candidateScript,
                candidateConfigJson);
    }

    /**
     * The runtime's view of the candidate (same id and priority as the live version).
     *
     * @throws IllegalArgumentException when its language is neither groovy nor js
     */
    public RuleDefinition candidateDefinition() {
        return new RuleDefinition(
                ruleId(),
                Language.of(candidateLanguage),
                candidateScript,
                candidateConfigJson,
                priority,
                enabled);
    }

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
