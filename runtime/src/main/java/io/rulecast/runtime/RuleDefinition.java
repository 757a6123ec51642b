package io.rulecast.runtime;

import java.util.Objects;

/**
 * A routing row as the runtime needs it. {@code version} is derived, never stored by hand.
 *
 * @param configJson the row's {@code config_json} exactly as stored (may be null)
 */
public record RuleDefinition(
        RuleId id,
        Language language,
        String script,
        String configJson,
        int priority,
        boolean enabled,
        String version) {

    public RuleDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(script, "script");
        version = VersionHash.of(language.id(), script, configJson);
    }

    public RuleDefinition(RuleId id, Language language, String script, String configJson) {
        this(id, language, script, configJson, 0, true, null);
    }

    public RuleDefinition(
            RuleId id,
            Language language,
            String script,
            String configJson,
            int priority,
            boolean enabled) {
        this(id, language, script, configJson, priority, enabled, null);
    }

    /** The first 12 hex digits of the version, for logs and tables. */
    public String shortVersion() {
        return version.substring(0, 12);
    }
}
