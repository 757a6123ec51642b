package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.fail;

import io.rulecast.event.Json;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.schema.SchemaMigrator;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One Rulecast job under test: its own topics, the rules table of the class's database, watchers on
 * the output topics, and the job itself in the class's MiniCluster. {@link #close()} cancels the
 * job and waits until it ended.
 */
final class JobFixture implements AutoCloseable {
    /** Answers probe events, so a test knows every routing instance has loaded the rules. */
    static final String PROBE_SCRIPT = "ctx.metric('probe', 1, [:]); return null";

    /** Creates a topic with a number of partitions on the broker under test; returns its name. */
    @FunctionalInterface
    interface Topics {
        String create(String prefix, int partitions);
    }

    final String bootstrapServers;
    final MariaDbExtension db;
    final RulesTable rules;
    final String eventsTopic;
    final String alertsTopic;
    final String metricsTopic;
    final String dlqTopic;
    final Map<String, String> settings = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private TopicWatcher alerts;
    private TopicWatcher metrics;
    private TopicWatcher dlq;
    private JobClient client;
    private Supplier<String> externalState;
    private int probes;

    JobFixture(KafkaBrokerExtension kafka, MariaDbExtension db) {
        this(kafka.bootstrapServers(), kafka::createTopic, db);
    }

    /** A job on a broker of the test's own (one it may stop and start). */
    JobFixture(String bootstrapServers, Topics topics, MariaDbExtension db) {
        this.bootstrapServers = bootstrapServers;
        this.db = db;
        this.rules = new RulesTable(db);
        SchemaMigrator.migrate(db.jdbcUrl(), db.user(), db.password());
        db.execute("DELETE FROM routing_configs");
        eventsTopic = topics.create("events", 2);
        alertsTopic = topics.create("alerts", 1);
        metricsTopic = topics.create("metrics", 1);
        dlqTopic = topics.create("dlq", 1);
        settings.put("kafka.bootstrap.servers", bootstrapServers);
        settings.put("kafka.group.id", "it-" + UUID.randomUUID());
        settings.put("kafka.starting.offsets", "earliest");
        settings.put("topic.events", eventsTopic);
        settings.put("topic.alerts", alertsTopic);
        settings.put("topic.metrics", metricsTopic);
        settings.put("topic.dlq", dlqTopic);
        settings.put("rules.jdbc.url", db.jdbcUrl());
        settings.put("rules.jdbc.user", db.user());
        settings.put("rules.jdbc.password", db.password());
        settings.put("rules.poll.interval", "200 ms");
        settings.put("rules.poll.max-backoff", "1 s");
        settings.put("parallelism", "2");
        settings.put("checkpoint.interval", "2 s");
        settings.put("sink.flush.interval", "100 ms");
        // This machine is shared by several builds; a 100 ms bound would make tests flaky.
        settings.put("script.timeout", "1 s");
    }

    JobFixture set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Starts the job and waits until both routing instances answer probe events. */
    void start() throws Exception {
        rules.insert("probe", "ping", PROBE_SCRIPT);
        startJob();
        awaitProbes(Duration.ofSeconds(60));
    }

    /** Starts the job and waits until it runs, for tests that need no rule. */
    void startWithoutProbes() throws Exception {
        startJob();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (status() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                fail("job not running after 60 s: " + status());
            }
            sleep(100);
        }
    }

    /**
     * Starts the job through {@code submit} (e.g. {@code flink run} on a real cluster) instead of
     * an embedded MiniCluster, and waits until both routing instances answer probe events; {@code
     * state} reports the job's state for failure messages. The caller stops that job.
     */
    void startElsewhere(Runnable submit, Supplier<String> state, Duration timeout) {
        rules.insert("probe", "ping", PROBE_SCRIPT);
        openClients();
        externalState = state;
        submit.run();
        awaitProbes(timeout);
    }

    private void startJob() throws Exception {
        openClients();
        client = RulecastJob.fromConfig(RulecastConfig.of(settings)).executeAsync();
    }

    private void openClients() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        closeables.add(producer);
        alerts = watch(alertsTopic);
        metrics = watch(metricsTopic);
        dlq = watch(dlqTopic);
    }

    private TopicWatcher watch(String topic) {
        // Consumers of an exactly-once job see committed records only; so does the test.
        boolean committedOnly = "exactly-once".equals(settings.get("kafka.delivery.guarantee"));
        TopicWatcher w = new TopicWatcher(bootstrapServers, topic, committedOnly);
        closeables.add(w);
        return w;
    }

    /**
     * Sends probe events under 16 keys until each was answered: with two routing instances, the
     * chance that one of them got no probe is 2 in 65536.
     */
    void awaitProbes(Duration timeout) {
        int round = probes++;
        Set<String> waiting = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            waiting.add("probe-" + round + "-" + i);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail(
                        "the job did not answer probe events within "
                                + timeout
                                + "; job status "
                                + (externalState != null ? externalState.get() : status()));
            }
            for (String id : waiting) {
                send(id, event(id, "probe", "ping", Map.of()));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until && !waiting.isEmpty()) {
                for (TopicWatcher.Received r : metrics.all()) {
                    waiting.remove(String.valueOf(r.json().get("eventId")));
                }
                sleep(50);
            }
        }
    }

    /** The running job's id, for the MiniCluster's checkpoint statistics. */
    org.apache.flink.api.common.JobID jobId() {
        return client.getJobID();
    }

    JobStatus status() {
        try {
            return client.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot get the job status", e);
        }
    }

    static String event(String eventId, String domain, String type, Map<String, Object> payload) {
        return event(eventId, domain, type, System.currentTimeMillis(), payload);
    }

    static String event(
            String eventId,
            String domain,
            String type,
            long timestamp,
            Map<String, Object> payload) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", eventId);
        e.put("domain", domain);
        e.put("type", type);
        e.put("timestamp", timestamp);
        e.put("payload", payload);
        return Json.write(e);
    }

    /** Sends one record with a key (may be null) and waits for the broker's acknowledgement. */
    void send(String key, String value) {
        send(key, value, Map.of());
    }

    void send(String key, String value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> r =
                new ProducerRecord<>(
                        eventsTopic,
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(r).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + eventsTopic, e);
        }
    }

    /**
     * Sends one record without a Kafka key (so the job keys it by {@code events.key.path}) to a
     * chosen partition of the events topic, and waits for the acknowledgement.
     */
    void sendTo(int partition, String value) {
        ProducerRecord<byte[], byte[]> r =
                new ProducerRecord<>(
                        eventsTopic, partition, null, value.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(r).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + eventsTopic, e);
        }
    }

    TopicWatcher alerts() {
        return alerts;
    }

    TopicWatcher metrics() {
        return metrics;
    }

    TopicWatcher dlq() {
        return dlq;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (client != null) {
                try {
                    client.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // already ended (a failed job): waiting for the result below tells
                }
                try {
                    // Completes, exceptionally for a cancelled job, once the job has ended (and an
                    // embedded MiniCluster has shut down).
                    client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException expected) {
                    // cancelled
                }
            }
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
    }
}
