package io.rulecast.job.events;

/**
 * An event that passed the envelope checks, with the key its state is scoped to: the Kafka key,
 * else the value at {@code events.key.path}. It travels as the original bytes; the routing function
 * reads them again, which costs less than serializing a parsed tree through Kryo.
 */
public record RoutedEvent(String key, RawRecord raw) {

    /** {@code keyBy} for the routing function. */
    public static final class KeySelector
            implements org.apache.flink.api.java.functions.KeySelector<RoutedEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RoutedEvent e) {
            return e.key();
        }
    }
}
