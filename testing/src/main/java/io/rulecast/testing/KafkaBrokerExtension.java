package io.rulecast.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.rulecast.broker.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker for ITCases: one single-node KRaft broker per test run (JVM), started when
 * the first test class that registers this extension runs, and stopped when the run ends, also when
 * tests fail.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 *
 * @Test
 * void roundTrip() {
 *     String topic = KAFKA.createTopic("events");
 *     KAFKA.produce(topic, "k", "{\"a\":1}");
 *     assertEquals("{\"a\":1}", KAFKA.consume(topic, 1, Duration.ofSeconds(10)).get(0).value());
 * }
 * }</pre>
 *
 * <p>Topics are shared by the whole run, so give every test its own with {@link
 * #createTopic(String)}. Consumers read committed records only ({@code read_committed}), as a
 * downstream application would.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONSUME_ALL_LIMIT = Duration.ofMinutes(5);

    private volatile SharedBroker shared;

    @Override
    public void beforeAll(ExtensionContext context) {
        attach(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Also covers registration on an instance field, where beforeAll is not called.
        attach(context);
    }

    private void attach(ExtensionContext context) {
        if (shared == null) {
            // The root store lives as long as the whole run and closes what it holds at its end.
            shared =
                    context.getRoot()
                            .getStore(NAMESPACE)
                            .getOrComputeIfAbsent(
                                    SharedBroker.class,
                                    k -> new SharedBroker(KafkaBroker.start()),
                                    SharedBroker.class);
        }
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return shared().broker.bootstrapServers();
    }

    /** The broker itself (its log file, its pid). */
    public KafkaBroker broker() {
        return shared().broker;
    }

    /** Creates a topic with one partition; returns its unique name, {@code prefix-<random>}. */
    public String createTopic(String prefix) {
        return createTopic(prefix, 1);
    }

    /**
     * Creates a topic and waits until every partition has a leader.
     *
     * @return the unique name, {@code prefix-<random>}
     */
    public String createTopic(String prefix, int partitions) {
        return createTopic(shared().admin, prefix, partitions);
    }

    /**
     * As {@link #createTopic(String, int)}, through {@code admin}: for a test that runs a broker of
     * its own.
     */
    public static String createTopic(Admin admin, String prefix, int partitions) {
        if (prefix == null || !TOPIC_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "topic prefix must be 1-200 of [a-zA-Z0-9._-], got '" + prefix + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        await(
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all(),
                "create topic " + name);
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (!allPartitionsLed(admin, name)) {
            if (System.nanoTime() > deadline) {
                fail("topic " + name + " has partitions without a leader after " + ADMIN_TIMEOUT);
            }
            sleep(50);
        }
        return name;
    }

    /** Sends one record and waits until the broker acknowledged it. */
    public void produce(String topic, String key, String value) {
        await(
                shared().producer().send(new ProducerRecord<>(topic, key, value)),
                "produce to " + topic);
    }

    /** Sends records without keys, in order, and waits until the broker acknowledged all. */
    public void produce(String topic, List<String> values) {
        KafkaProducer<String, String> producer = shared().producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
        for (String value : values) {
            sent.add(producer.send(new ProducerRecord<>(topic, null, value)));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            await(f, "produce to " + topic);
        }
    }

    /**
     * Reads the topic from the beginning until at least {@code atLeast} records arrived; fails the
     * test if fewer arrive within {@code timeout}.
     *
     * @return every record read, in offset order per partition (possibly more than {@code atLeast})
     */
    public List<ConsumerRecord<String, String>> consume(
            String topic, int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = newConsumer()) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < atLeast) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L))).forEach(records::add);
            }
        }
        if (records.size() < atLeast) {
            fail(
                    "expected at least "
                            + atLeast
                            + " records on topic '"
                            + topic
                            + "' within "
                            + timeout.toMillis()
                            + " ms, got "
                            + records.size()
                            + describe(records));
        }
        return Collections.unmodifiableList(records);
    }

    /**
     * Reads the topic from the beginning until it has been read to its end and no new record came
     * for {@code quietPeriod}.
     */
    public List<ConsumerRecord<String, String>> consumeAll(String topic, Duration quietPeriod) {
        long limit = System.nanoTime() + CONSUME_ALL_LIMIT.toNanos();
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = newConsumer()) {
            List<TopicPartition> partitions =
                    partitionsOf(consumer, topic, System.nanoTime() + ADMIN_TIMEOUT.toNanos());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, ADMIN_TIMEOUT);
            long lastArrival = System.nanoTime();
            while (true) {
                int before = records.size();
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                long now = System.nanoTime();
                if (records.size() > before) {
                    lastArrival = now;
                } else if (now - lastArrival >= quietPeriod.toNanos() && caughtUp(consumer, end)) {
                    return Collections.unmodifiableList(records);
                }
                if (now > limit) {
                    fail(
                            "topic '"
                                    + topic
                                    + "' never went quiet for "
                                    + quietPeriod.toMillis()
                                    + " ms within "
                                    + CONSUME_ALL_LIMIT
                                    + "; read "
                                    + records.size()
                                    + " records");
                }
            }
        }
    }

    private static boolean caughtUp(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), ADMIN_TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private KafkaConsumer<String, String> newConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "rulecast-test-consumer-" + UUID.randomUUID());
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static List<TopicPartition> partitionsOf(
            KafkaConsumer<String, String> consumer, String topic, long deadline) {
        // A topic that a job under test creates on first write may not exist yet.
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, ADMIN_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>(infos.size());
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                return partitions;
            }
            if (System.nanoTime() > deadline) {
                fail("topic '" + topic + "' does not exist");
            }
            sleep(100);
        }
    }

    private static boolean allPartitionsLed(Admin admin, String topic) {
        try {
            TopicDescription d =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .get(topic);
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException e) {
            return false; // not yet visible to the broker's metadata
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("describe topic " + topic + ": " + e, e);
        }
    }

    private static String describe(List<ConsumerRecord<String, String>> records) {
        if (records.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(":");
        int shown = Math.min(records.size(), 10);
        for (int i = 0; i < shown; i++) {
            ConsumerRecord<String, String> r = records.get(i);
            sb.append("\n  ").append(r.key()).append(" -> ").append(r.value());
        }
        if (shown < records.size()) {
            sb.append("\n  ... ").append(records.size() - shown).append(" more");
        }
        return sb.toString();
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " timed out after " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private SharedBroker shared() {
        SharedBroker s = shared;
        if (s == null) {
            throw new IllegalStateException(
                    "KafkaBrokerExtension is not active: register it with @RegisterExtension"
                            + " static final KafkaBrokerExtension KAFKA = new"
                            + " KafkaBrokerExtension(); and use it from tests, not from static"
                            + " initializers");
        }
        return s;
    }

    /** The broker and the clients shared by all tests; closed by JUnit when the run ends. */
    private static final class SharedBroker implements AutoCloseable {
        final KafkaBroker broker;
        final Admin admin;
        private KafkaProducer<String, String> producer;

        SharedBroker(KafkaBroker broker) {
            this.broker = broker;
            Map<String, Object> config = new HashMap<>();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            this.admin = Admin.create(config);
        }

        synchronized KafkaProducer<String, String> producer() {
            if (producer == null) {
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                p.put(ProducerConfig.CLIENT_ID_CONFIG, "rulecast-test-producer");
                producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            }
            return producer;
        }

        @Override
        public synchronized void close() {
            try {
                if (producer != null) {
                    producer.close(Duration.ofSeconds(5));
                }
                admin.close(Duration.ofSeconds(5));
            } finally {
                broker.stop();
            }
        }
    }
}
