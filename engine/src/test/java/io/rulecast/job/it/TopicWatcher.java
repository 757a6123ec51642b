package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.fail;

import io.rulecast.event.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from its beginning on a background thread for the whole test, noting when each
 * record arrived, so that a test can wait for a record and measure how long it took.
 */
final class TopicWatcher implements AutoCloseable {

    /** A record and the {@link System#nanoTime()} at which the watcher received it. */
    record Received(ConsumerRecord<byte[], byte[]> record, long arrivedNanos) {
        String value() {
            return record.value() == null
                    ? null
                    : new String(record.value(), StandardCharsets.UTF_8);
        }

        String key() {
            return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        }

        Map<String, Object> json() {
            try {
                return Json.parseObject(value());
            } catch (Exception e) {
                throw new AssertionError("not a JSON object: " + value(), e);
            }
        }

        String header(String name) {
            Header h = record.headers().lastHeader(name);
            return h == null || h.value() == null
                    ? null
                    : new String(h.value(), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(String.valueOf(value()));
            for (Header h : record.headers()) {
                sb.append(" [")
                        .append(h.key())
                        .append('=')
                        .append(
                                h.value() == null
                                        ? ""
                                        : new String(h.value(), StandardCharsets.UTF_8))
                        .append(']');
            }
            return sb.toString();
        }
    }

    private final String topic;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    TopicWatcher(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, false);
    }

    /**
     * @param committedOnly read with {@code isolation.level=read_committed}: only records of
     *     committed transactions, as a consumer of an exactly-once job should
     */
    TopicWatcher(String bootstrapServers, String topic, boolean committedOnly) {
        this.topic = topic;
        Properties p = new Properties();
        if (committedOnly) {
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "watcher-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread =
                new Thread(
                        () -> {
                            try (consumer) {
                                List<TopicPartition> parts = new ArrayList<>();
                                for (PartitionInfo i :
                                        consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                                    parts.add(new TopicPartition(topic, i.partition()));
                                }
                                consumer.assign(parts);
                                consumer.seekToBeginning(parts);
                                while (running) {
                                    for (ConsumerRecord<byte[], byte[]> r :
                                            consumer.poll(Duration.ofMillis(50))) {
                                        received.add(new Received(r, System.nanoTime()));
                                    }
                                }
                            }
                        },
                        "watch-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    List<Received> all() {
        return List.copyOf(received);
    }

    List<Received> matching(Predicate<Received> p) {
        return received.stream().filter(p).toList();
    }

    /**
     * The first record matching {@code p}; fails the test if none arrives within {@code timeout}.
     */
    Received await(Predicate<Received> p, Duration timeout) {
        return awaitCount(p, 1, timeout).get(0);
    }

    /** At least {@code n} records matching {@code p}, in arrival order. */
    List<Received> awaitCount(Predicate<Received> p, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Received> m = matching(p);
            if (m.size() >= n) {
                return m;
            }
            if (System.nanoTime() > deadline) {
                fail(
                        "expected "
                                + n
                                + " matching records on "
                                + topic
                                + " within "
                                + timeout.toMillis()
                                + " ms, got "
                                + m.size()
                                + "; all records:\n  "
                                + String.join(
                                        "\n  ", all().stream().map(Received::toString).toList()));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
