package io.rulecast.cli;

/**
 * A failure the user can act on, with the exit code of SPEC.md: 1 for a failed check (a script that
 * does not compile, a replay that differs), 2 for bad usage or a service that cannot be reached.
 * The message is the one line printed on stderr; it names the fix.
 */
public final class CliException extends RuntimeException {
    /** A check failed: validation, a sandbox refusal, a replay mismatch. */
    public static final int FAILED_CHECK = 1;

    /** Bad usage, or a service (MySQL, Kafka) that cannot be reached. */
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static CliException failedCheck(String message) {
        return new CliException(FAILED_CHECK, message);
    }

    public static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    public static CliException unreachable(String message, Throwable cause) {
        return new CliException(USAGE, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
