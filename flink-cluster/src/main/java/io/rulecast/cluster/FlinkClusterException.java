package io.rulecast.cluster;

/** The Flink cluster could not be started, or did not do what was asked in time. */
public class FlinkClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FlinkClusterException(String message) {
        super(message);
    }

    public FlinkClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
