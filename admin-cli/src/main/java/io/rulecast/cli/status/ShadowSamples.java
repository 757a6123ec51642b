package io.rulecast.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The latest shadow records of one rule (SPEC "Safe rollout": {@code {"rule","eventId",
 * "liveVersion","candidateVersion","live":[…],"candidate":[…]}} on {@code topic.shadow}), read from
 * the tail of every partition without a consumer group, so that {@code rollout status} can show
 * what the candidate does differently.
 */
public final class ShadowSamples {
    /** Records read from the end of each partition, at most. */
    static final int TAIL = 2_000;

    private ShadowSamples() {}

    /** One differing event. */
    public record Sample(String eventId, String candidateVersion, String live, String candidate) {}

    /** A failure to read the topic, with a one-line message. */
    public static final class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The last {@code max} shadow records of {@code rule} (of {@code candidateVersion} when it is
     * not null), oldest first.
     */
    public static List<Sample> latest(
            String bootstrapServers,
            String topic,
            String rule,
            String candidateVersion,
            int max,
            Duration timeout)
            throws UnreadableException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Deque<Sample> found = new ArrayDeque<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            List<TopicPartition> parts = new ArrayList<>();
            infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : parts) {
                long from = Math.max(begin.get(tp), end.get(tp) - TAIL);
                consumer.seek(tp, from);
                if (end.get(tp) > from) {
                    remaining.put(tp, end.get(tp));
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Sample s = parse(r.value(), rule, candidateVersion);
                    if (s != null) {
                        found.addLast(s);
                        if (found.size() > max) {
                            found.removeFirst();
                        }
                    }
                }
                remaining.keySet().removeIf(tp -> consumer.position(tp) >= remaining.get(tp));
            }
        } catch (KafkaException e) {
            throw new UnreadableException(
                    "cannot read " + topic + " at " + bootstrapServers + ": " + e.getMessage(), e);
        }
        return List.copyOf(found);
    }

    /** The record as a sample when it is one of {@code rule}'s, else null. */
    static Sample parse(byte[] value, String rule, String candidateVersion) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(new String(value, StandardCharsets.UTF_8));
            if (n == null || !rule.equals(n.path("rule").asText())) {
                return null;
            }
            String version = n.path("candidateVersion").asText(null);
            if (candidateVersion != null && !candidateVersion.equals(version)) {
                return null;
            }
            return new Sample(
                    n.path("eventId").asText(null),
                    version,
                    n.path("live").toString(),
                    n.path("candidate").toString());
        } catch (Exception e) {
            return null;
        }
    }
}
