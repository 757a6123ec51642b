package io.rulecast.job;

/**
 * A configuration the job cannot start with. The message is one line that names the key and the
 * fix, fit to show a user as is.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
