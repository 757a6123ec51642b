package io.rulecast.cli.db;

import io.rulecast.runtime.RuleId;
import java.time.Instant;

/**
 * One row of {@code routing_config_history}: a change to a routing row made by anyone (the CLI or
 * raw SQL), written by the database's triggers. For a DELETE the row is the one that was deleted.
 * {@code changedBy} is {@code user@host} of the session that made the change.
 */
public record HistoryEntry(
        long id,
        long configId,
        String operation,
        Instant changedAt,
        String changedBy,
        String versionHash,
        RuleId ruleId,
        String language,
        String script,
        String configJson,
        boolean enabled,
        int priority,
        String rolloutMode,
        java.math.BigDecimal rolloutPercent,
        String candidateVersion) {

    /** {@code shadow 1a2b3c4d5e6f}, {@code canary 10% 1a2b3c4d5e6f}, or "" without a rollout. */
    public String rollout() {
        if (rolloutMode == null) {
            return "";
        }
        String what =
                "canary".equals(rolloutMode) && rolloutPercent != null
                        ? rolloutMode
                                + " "
                                + rolloutPercent.stripTrailingZeros().toPlainString()
                                + "%"
                        : rolloutMode;
        return candidateVersion == null
                ? what
                : what
                        + " "
                        + candidateVersion.substring(0, Math.min(12, candidateVersion.length()));
    }

    public String shortHash() {
        return versionHash == null
                ? ""
                : versionHash.substring(0, Math.min(12, versionHash.length()));
    }
}
