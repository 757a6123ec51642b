package io.rulecast.broker;

/** The Kafka broker could not be started; the message says why and what to do. */
public class KafkaBrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaBrokerException(String message) {
        super(message);
    }

    public KafkaBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
