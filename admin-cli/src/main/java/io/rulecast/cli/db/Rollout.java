package io.rulecast.cli.db;

import io.rulecast.runtime.VersionHash;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The candidate a rule carries beside its live version (SPEC.md "Safe rollout"), as stored in its
 * {@code routing_configs} row.
 *
 * @param mode {@code shadow} or {@code canary}; null when the candidate is stored but not run
 * @param percent for a canary, the share of state keys the candidate serves
 * @param baseVersion the live version when the rollout started (kept by a trigger)
 */
public record Rollout(
        String mode,
        BigDecimal percent,
        String language,
        String script,
        String configJson,
        String baseVersion,
        Instant startedAt) {

    public static final String SHADOW = "shadow";
    public static final String CANARY = "canary";

    /** The SPEC version hash of the candidate. */
    public String candidateVersion() {
        return VersionHash.of(language, script, configJson);
    }

    /** {@code shadow}, or {@code canary 10%}. */
    public String describe() {
        return CANARY.equals(mode)
                ? mode + " " + percent.stripTrailingZeros().toPlainString() + "%"
                : mode;
    }
}
