package io.rulecast.schema;

import java.util.List;

/**
 * What {@link SchemaMigrator#migrate} did.
 *
 * @param applied the versions applied by this run, oldest first; empty when the schema was already
 *     current
 * @param schemaVersion the schema's version after the run, e.g. {@code "2"}
 */
public record MigrationResult(List<String> applied, String schemaVersion) {
    public MigrationResult {
        applied = List.copyOf(applied);
    }

    /** True when this run changed nothing. */
    public boolean upToDate() {
        return applied.isEmpty();
    }
}
