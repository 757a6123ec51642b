package io.rulecast.bench;

import io.rulecast.broker.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The end-to-end benchmark's Kafka side: its own broker, the events topic of the current run and
 * its producer, the dead-letter topic and what landed there.
 */
final class BenchKafka implements AutoCloseable {
    final KafkaBroker broker;
    private KafkaProducer<byte[], byte[]> producer;
    String topic;
    String dlqTopic = "bench-dlq";

    BenchKafka(KafkaBroker broker) {
        this.broker = broker;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * A new producer for each topic: on this machine a producer that had written one topic
     * sometimes never sent its first batches to the next one (they expired after 120 s).
     */
    void newProducer() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send(List<byte[]> values) throws Exception {
        // In chunks, so the producer's buffer never holds more than it can send in time.
        for (int from = 0; from < values.size(); from += 5000) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(5000);
            for (byte[] v : values.subList(from, Math.min(values.size(), from + 5000))) {
                sent.add(producer.send(new ProducerRecord<>(topic, v)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Sends wrongbook_add events stamped with their send time at {@code rate} per second for {@code
     * seconds} (or until {@code flowing} turns false); returns how many were sent.
     */
    int paced(String prefix, int rate, int seconds, AtomicBoolean flowing) throws Exception {
        List<byte[]> template = BenchData.events(1000, 7);
        long gap = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long next = start;
        int n = 0;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        while ((flowing == null || flowing.get())
                && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            String json = new String(template.get(n % template.size()), StandardCharsets.UTF_8);
            String id = prefix + "-" + n;
            json =
                    json.replaceFirst("\"eventId\":\"[^\"]*\"", "\"eventId\":\"" + id + "\"")
                            .replaceFirst(
                                    "\"wrongbookId\":\"[^\"]*\"", "\"wrongbookId\":\"" + id + "\"")
                            .replaceFirst(
                                    "\"timestamp\":\\d+",
                                    "\"timestamp\":" + System.currentTimeMillis());
            sent.add(
                    producer.send(
                            new ProducerRecord<>(topic, json.getBytes(StandardCharsets.UTF_8))));
            producer.flush();
            n++;
            next += gap;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS);
        }
        return n;
    }

    String createTopic(String name, int partitions) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!hasLeaders(admin, name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " has no leader after 60 s");
                }
                Thread.sleep(50);
            }
        }
        return name;
    }

    /** False while the new topic is unknown or a partition has no leader yet. */
    private static boolean hasLeaders(Admin admin, String name) throws Exception {
        try {
            return admin
                    .describeTopics(List.of(name))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(name)
                    .partitions()
                    .stream()
                    .noneMatch(p -> p.leader() == null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // the metadata has not reached the broker yet
            }
            throw e;
        }
    }

    long deadLetterCount() {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            TopicPartition tp = new TopicPartition(dlqTopic, 0);
            return c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
        }
    }

    Map<String, Integer> deadLetters() {
        Map<String, Integer> byReason = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            TopicPartition tp = new TopicPartition(dlqTopic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Header h = r.headers().lastHeader("rulecast.dlq.reason");
                    Header m = r.headers().lastHeader("rulecast.dlq.message");
                    String key =
                            (h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8))
                                    + (m == null
                                            ? ""
                                            : " ("
                                                    + new String(m.value(), StandardCharsets.UTF_8)
                                                    + ")");
                    byReason.merge(key, 1, Integer::sum);
                }
            }
        }
        return byReason;
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        broker.stop();
    }
}
