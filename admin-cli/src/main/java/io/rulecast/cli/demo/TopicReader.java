package io.rulecast.cli.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads everything written to one single-partition topic so far, from the beginning, without a
 * consumer group: the demo's view of the job's alerts and dead letters.
 */
public final class TopicReader implements AutoCloseable {
    /** One record: its value as text and its headers as text. */
    public record Message(String value, Map<String, String> headers) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Message> messages = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(p);
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
    }

    /** Fetches what arrived since the last call; returns every message read so far. */
    public List<Message> poll() {
        // A short poll returns what is there; a second one catches a batch that was in flight.
        for (int i = 0; i < 2; i++) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                Map<String, String> headers = new java.util.LinkedHashMap<>();
                for (Header h : r.headers()) {
                    headers.put(
                            h.key(),
                            h.value() == null
                                    ? null
                                    : new String(h.value(), StandardCharsets.UTF_8));
                }
                messages.add(
                        new Message(
                                r.value() == null
                                        ? null
                                        : new String(r.value(), StandardCharsets.UTF_8),
                                headers));
            }
        }
        return List.copyOf(messages);
    }

    public int count() {
        return messages.size();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
