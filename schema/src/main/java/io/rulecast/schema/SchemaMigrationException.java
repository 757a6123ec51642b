package io.rulecast.schema;

/** The schema could not be migrated; the message is one line naming the cause and the fix. */
public class SchemaMigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SchemaMigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
