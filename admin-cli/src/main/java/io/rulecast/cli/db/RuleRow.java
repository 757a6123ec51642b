package io.rulecast.cli.db;

import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.VersionHash;
import java.time.Instant;

/**
 * One row of {@code routing_configs} as stored; {@code rollout} is its running rollout, or null.
 */
public record RuleRow(
        long id,
        RuleId ruleId,
        String language,
        String script,
        String configJson,
        boolean enabled,
        int priority,
        Instant createTime,
        Instant updateTime,
        Rollout rollout) {

    /** The SPEC version hash of what is stored. */
    public String version() {
        return VersionHash.of(language, script, configJson);
    }

    /** The row as the runtime compiles it. */
    public RuleDefinition definition() {
        return new RuleDefinition(
                ruleId, Language.of(language), script, configJson, priority, enabled);
    }
}
