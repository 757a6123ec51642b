package io.rulecast.bench;

import io.rulecast.broker.KafkaBroker;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.job.routing.RuntimeFactory;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.schema.SchemaMigrator;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The end-to-end benchmark: the whole job — Kafka source, routing, MariaDB sink — on a real broker
 * (started here), a real MariaDB and an embedded MiniCluster, run over the same wrongbook_add
 * events three times: with the seed's design (the compiled {@link WrongbookAddProcessor}, wired as
 * a rule through {@link JavaRuleEngine}), with the Groovy rule and with the JavaScript rule. Then
 * it measures how long an {@code UPDATE routing_configs} takes to change the output.
 *
 * <pre>
 * java -cp benchmarks/target/rulecast-benchmarks.jar io.rulecast.bench.EndToEndBenchmark \
 *     [--events 200000] [--updates 20] [--parallelism 1] [--jdbc-url jdbc:mysql://127.0.0.1:3306/]
 * </pre>
 *
 * <p>Per variant: <b>events/s</b> is the backlog of N events drained end to end, measured from the
 * first to the last row the sink wrote (the table's own {@code written_at}), so job start-up is
 * left out; <b>MariaDB rows/s</b> is rows written in that window (one row per event here, so the
 * two agree unless rows are lost); <b>latency</b> is event-to-row time of a separate paced stream
 * ({@code --latency-rate} events/s for {@code --latency-seconds}) sent after the backlog, from the
 * event's timestamp (its send time) to its row's {@code written_at}.
 */
public final class EndToEndBenchmark {
    private static final String TABLE = "dwd_wrongbook_wide";

    private final Map<String, String> args;
    private final int events;
    private final int updates;
    private final int parallelism;
    private final int latencyRate;
    private final int latencySeconds;
    private final String serverUrl;
    private final String user;
    private final String password;
    private String dbUrl;
    private KafkaBroker broker;
    private KafkaProducer<byte[], byte[]> producer;
    private String topic;
    private List<byte[]> backlog;
    private String dlqTopic = "bench-dlq";

    private EndToEndBenchmark(Map<String, String> args) {
        this.args = args;
        this.events = Integer.parseInt(args.getOrDefault("events", "200000"));
        this.updates = Integer.parseInt(args.getOrDefault("updates", "20"));
        this.parallelism = Integer.parseInt(args.getOrDefault("parallelism", "1"));
        this.latencyRate = Integer.parseInt(args.getOrDefault("latency-rate", "500"));
        this.latencySeconds = Integer.parseInt(args.getOrDefault("latency-seconds", "10"));
        this.serverUrl = args.getOrDefault("jdbc-url", "jdbc:mysql://127.0.0.1:3306/");
        this.user = args.getOrDefault("user", "root");
        this.password = args.getOrDefault("password", "");
    }

    public static void main(String[] argv) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // Keep the table readable: Kafka and Flink log every client's configuration at INFO.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                System.err.println(
                        "usage: EndToEndBenchmark [--events N] [--updates N] [--parallelism P]"
                                + " [--latency-rate R] [--latency-seconds S] [--jdbc-url URL]"
                                + " [--user U] [--password P] [--only java,groovy,js]");
                System.exit(2);
            }
            args.put(argv[i].substring(2), argv[++i]);
        }
        new EndToEndBenchmark(args).run();
        System.exit(0);
    }

    /** One way to run wrongbook_add. */
    private record Variant(String name, String language, String script, RuntimeFactory runtimes) {}

    /** What one variant measured. */
    private record Result(
            Variant variant,
            int rows,
            double windowSeconds,
            double wallSeconds,
            double p50Millis,
            double p99Millis,
            int latencyRows,
            int deadLetters) {
        double eventsPerSecond() {
            return rows / windowSeconds;
        }
    }

    private void run() throws Exception {
        System.out.printf(
                Locale.ROOT,
                "Rulecast end-to-end benchmark: %,d wrongbook_add events, parallelism %d, %d cores,"
                        + " max heap %d MiB%n",
                events,
                parallelism,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        broker = KafkaBroker.start();
        String db = "rulecast_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try {
            setUpDatabase(db);
            backlog = BenchData.events(events, 42);

            List<Variant> variants =
                    List.of(
                            new Variant(
                                    "Java class (seed design)",
                                    "groovy",
                                    JavaRuleEngine.WRONGBOOK_ADD,
                                    options ->
                                            new ScriptRuntime(
                                                    options, List.of(new JavaRuleEngine(options)))),
                            new Variant(
                                    "Groovy rule",
                                    "groovy",
                                    BenchData.resource("wrongbook_add.groovy"),
                                    RuntimeFactory.DEFAULT),
                            new Variant(
                                    "JavaScript rule",
                                    "js",
                                    BenchData.resource("wrongbook_add.js"),
                                    RuntimeFactory.DEFAULT));
            String only = args.get("only");
            // The first job in a JVM pays for class loading and JIT of Flink, Kafka and JDBC; a
            // short unreported run of the first variant keeps that out of the table.
            int warmUp = Math.min(events, 20_000);
            System.out.printf(Locale.ROOT, "%nwarm-up: %,d events, not reported%n", warmUp);
            measure(variants.get(0), backlog.subList(0, warmUp), false);
            List<Result> results = new ArrayList<>();
            for (Variant v : variants) {
                if (only == null
                        || only.contains(v.name().split(" ")[0].toLowerCase(Locale.ROOT))) {
                    results.add(measure(v, backlog, true));
                }
            }
            printTable(results);
            if (updates > 0) {
                hotUpdates();
            }
        } finally {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            execute(serverUrl, "DROP DATABASE IF EXISTS `" + db + "`");
            broker.stop();
        }
    }

    private void setUpDatabase(String db) throws SQLException {
        execute(serverUrl, "CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4");
        int q = serverUrl.indexOf('?');
        String base = q < 0 ? serverUrl : serverUrl.substring(0, q);
        dbUrl =
                (base.endsWith("/") ? base : base + "/")
                        + db
                        + "?rewriteBatchedStatements=true&characterEncoding=UTF-8"
                        + "&allowPublicKeyRetrieval=true";
        SchemaMigrator.migrate(dbUrl, user, password);
        execute(
                dbUrl,
                "CREATE TABLE "
                        + TABLE
                        + " (wrongbook_id VARCHAR(64) PRIMARY KEY, user_id VARCHAR(64),"
                        + " question_id VARCHAR(64), subject VARCHAR(32), chapter VARCHAR(64),"
                        + " difficulty INT, status VARCHAR(8), add_time BIGINT, score INT,"
                        + " source VARCHAR(16), rev INT,"
                        + " written_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
                        + " ON UPDATE CURRENT_TIMESTAMP(3))",
                "CREATE TABLE dim_question (question_id VARCHAR(64) PRIMARY KEY,"
                        + " chapter VARCHAR(64), difficulty INT)");
        // The same questions as BenchData.questions(): 900 of the 1,000 ids the events use.
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                PreparedStatement st =
                        c.prepareStatement("INSERT INTO dim_question VALUES (?, ?, ?)")) {
            for (int i = 0; i < 900; i++) {
                st.setString(1, "q-" + i);
                st.setString(2, "chapter-" + (i % 40));
                st.setInt(3, 1 + i % 5);
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private Map<String, String> jobSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap.servers", broker.bootstrapServers());
        s.put("kafka.group.id", "bench-" + UUID.randomUUID());
        s.put("kafka.starting.offsets", "earliest");
        s.put("topic.events", topic);
        s.put("topic.alerts", "bench-alerts");
        s.put("topic.metrics", "bench-metrics");
        s.put("topic.dlq", dlqTopic);
        s.put("rules.jdbc.url", dbUrl);
        s.put("rules.jdbc.user", user);
        s.put("rules.jdbc.password", password);
        s.put("sink.tables.allowed", TABLE);
        s.put("dims.questions.table", "dim_question");
        s.put("dims.questions.key-column", "question_id");
        s.put("parallelism", Integer.toString(parallelism));
        s.put("job.name", "rulecast-bench");
        return s;
    }

    private Result measure(Variant v, List<byte[]> input, boolean report) throws Exception {
        if (report) {
            System.out.printf(Locale.ROOT, "%n== %s ==%n", v.name());
        }
        int events = input.size();
        execute(dbUrl, "DELETE FROM routing_configs", "TRUNCATE TABLE " + TABLE);
        setRule(v.language(), v.script(), null);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        dlqTopic = createTopic("bench-dlq-" + suffix, 1);
        // A fresh topic per run, holding exactly the backlog.
        topic = createTopic("bench-events-" + suffix, 2);
        newProducer();
        send(input);
        if (!report) {
            JobClient job =
                    RulecastJob.fromConfig(RulecastConfig.of(jobSettings()))
                            .withRuntimeFactory(v.runtimes())
                            .executeAsync();
            try {
                awaitSettled(events, Duration.ofMinutes(30));
            } finally {
                cancel(job);
            }
            return null;
        }
        long submitted = System.nanoTime();
        JobClient job =
                RulecastJob.fromConfig(RulecastConfig.of(jobSettings()))
                        .withRuntimeFactory(v.runtimes())
                        .executeAsync();
        try {
            long settled = awaitSettled(events, Duration.ofMinutes(30));
            double wall = (System.nanoTime() - submitted) / 1e9;
            if (settled < events) {
                // Events read before the routing instance received its first rules snapshot find
                // no rule and are dropped as unrouted (a start-up race of a fresh job with a
                // backlog; see docs/performance.md). They are left out of the rates.
                System.out.printf(
                        Locale.ROOT,
                        "%,d events unrouted at start (before the rules arrived)%n",
                        events - settled);
            }
            double[] window =
                    queryDoubles(
                            "SELECT COUNT(*), (UNIX_TIMESTAMP(MAX(written_at))"
                                    + " - UNIX_TIMESTAMP(MIN(written_at))) FROM "
                                    + TABLE);
            System.out.printf(
                    Locale.ROOT,
                    "backlog: %,d rows in %.1f s (%.1f s with job start-up)%n",
                    (long) window[0],
                    window[1],
                    wall);

            // A paced stream, so that latency is that of the pipeline, not of a queue.
            String prefix =
                    "lat-" + v.language() + "-" + UUID.randomUUID().toString().substring(0, 4);
            long before = processed();
            int n = paced(prefix, latencyRate, latencySeconds, null);
            awaitProcessed(before + n, Duration.ofMinutes(5));
            Map<String, Integer> dead = deadLetters();
            if (!dead.isEmpty()) {
                System.out.println("dead letters by reason: " + dead);
            }
            double[] lat = latencies(prefix);
            System.out.printf(
                    Locale.ROOT,
                    "latency at %d events/s: p50 %.0f ms, p99 %.0f ms (%d rows)%n",
                    latencyRate,
                    lat[0],
                    lat[1],
                    n);
            return new Result(
                    v,
                    (int) window[0],
                    window[1],
                    wall,
                    lat[0],
                    lat[1],
                    n,
                    dead.values().stream().mapToInt(Integer::intValue).sum());
        } finally {
            cancel(job);
        }
    }

    private void printTable(List<Result> results) {
        double base =
                results.stream()
                        .filter(r -> r.variant().name().startsWith("Java"))
                        .mapToDouble(Result::eventsPerSecond)
                        .findFirst()
                        .orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%n%,d events, parallelism %d%n", events, parallelism);
        System.out.println(
                "| variant | events/s | vs Java class | p50 event→row | p99 event→row | MariaDB rows/s"
                        + " | dead letters |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %,.0f | %.2f× | %.0f ms | %.0f ms | %,.0f | %d |%n",
                    r.variant().name(),
                    r.eventsPerSecond(),
                    r.eventsPerSecond() / base,
                    r.p50Millis(),
                    r.p99Millis(),
                    r.rows() / r.windowSeconds(),
                    r.deadLetters());
        }
    }

    /**
     * {@code --updates} commits of {@code UPDATE routing_configs} while events flow (200/s); each
     * changes the rule's output column {@code rev}. Measured: from the commit's return (this JVM's
     * clock) to the {@code written_at} of the first row carrying the new {@code rev} (the
     * database's clock; the same machine), with the default {@code rules.poll.interval}.
     */
    private void hotUpdates() throws Exception {
        System.out.printf(Locale.ROOT, "%n== hot updates: %d commits, Groovy rule ==%n", updates);
        execute(dbUrl, "DELETE FROM routing_configs");
        String base = BenchData.resource("wrongbook_add.groovy");
        long id = setRule("groovy", withRev(base, 0), null);
        Map<String, String> settings = jobSettings();
        // Only the events sent from now on: the backlog was measured already.
        settings.put("kafka.starting.offsets", "latest");
        JobClient job =
                RulecastJob.fromConfig(RulecastConfig.of(settings))
                        .withRuntimeFactory(RuntimeFactory.DEFAULT)
                        .executeAsync();
        newProducer();
        AtomicBoolean flowing = new AtomicBoolean(true);
        Thread feeder =
                new Thread(
                        () -> {
                            try {
                                paced("hot", 200, Integer.MAX_VALUE, flowing);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "bench-feeder");
        try {
            feeder.start();
            awaitQuery(
                    "SELECT COUNT(*) FROM "
                            + TABLE
                            + " WHERE rev = 0 AND wrongbook_id LIKE 'hot-%'",
                    1);
            List<Double> millis = new ArrayList<>();
            for (int i = 1; i <= updates; i++) {
                Thread.sleep(300 + (i * 137) % 500); // commits at no fixed phase of the poll
                long committed;
                try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                        PreparedStatement st =
                                c.prepareStatement(
                                        "UPDATE routing_configs SET script = ? WHERE id = ?")) {
                    st.setString(1, withRev(base, i));
                    st.setLong(2, id);
                    st.executeUpdate(); // auto-commit: returns once committed
                    committed = System.currentTimeMillis();
                }
                awaitQuery("SELECT COUNT(*) FROM " + TABLE + " WHERE rev = " + i, 1);
                double first =
                        queryDoubles(
                                "SELECT ROUND(UNIX_TIMESTAMP(MIN(written_at)) * 1000) FROM "
                                        + TABLE
                                        + " WHERE rev = "
                                        + i)[0];
                millis.add(first - committed);
            }
            millis.sort(Double::compare);
            System.out.printf(
                    Locale.ROOT,
                    "commit → first new output (rules.poll.interval 500 ms): p50 %.0f ms, p99 %.0f"
                            + " ms, max %.0f ms, all %s%n",
                    percentile(millis, 50),
                    percentile(millis, 99),
                    millis.get(millis.size() - 1),
                    millis.stream().map(d -> Long.toString(Math.round(d))).toList());
        } finally {
            flowing.set(false);
            if (feeder.isAlive()) {
                feeder.join(10_000);
            }
            cancel(job);
        }
    }

    private static String withRev(String script, int rev) {
        // The benchmark rule returns a map literal ending in "source : ...": add one column to it.
        int end = script.lastIndexOf(']');
        return script.substring(0, end).stripTrailing() + ",\n    rev: " + rev + "\n]\n";
    }

    private long setRule(String language, String script, String config) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                PreparedStatement st =
                        c.prepareStatement(
                                "INSERT INTO routing_configs (domain, event_type, rule_name,"
                                        + " language, script, config_json, enabled, priority)"
                                        + " VALUES ('wrongbook', 'wrongbook_add', 'main', ?, ?, ?,"
                                        + " 1, 0)",
                                Statement.RETURN_GENERATED_KEYS)) {
            st.setString(1, language);
            st.setString(2, script);
            st.setString(3, config == null ? "{\"output_table\": \"" + TABLE + "\"}" : config);
            st.executeUpdate();
            try (ResultSet keys = st.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * Sends wrongbook_add events stamped with their send time at {@code rate} per second for {@code
     * seconds} (or until {@code flowing} turns false); returns how many were sent.
     */
    private int paced(String prefix, int rate, int seconds, AtomicBoolean flowing)
            throws Exception {
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

    private double[] latencies(String prefix) throws SQLException {
        List<Double> ms = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT UNIX_TIMESTAMP(written_at) * 1000 - add_time FROM "
                                        + TABLE
                                        + " WHERE wrongbook_id LIKE '"
                                        + prefix
                                        + "-%'")) {
            while (rs.next()) {
                ms.add(rs.getDouble(1));
            }
        }
        ms.sort(Double::compare);
        return new double[] {percentile(ms, 50), percentile(ms, 99)};
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /**
     * A new producer for each topic: on this machine a producer that had written one topic
     * sometimes never sent its first batches to the next one (they expired after 120 s).
     */
    private void newProducer() {
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

    private void send(List<byte[]> values) throws Exception {
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

    private String createTopic(String name, int partitions) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (admin
                    .describeTopics(List.of(name))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(name)
                    .partitions()
                    .stream()
                    .anyMatch(p -> p.leader() == null)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " has no leader after 60 s");
                }
                Thread.sleep(50);
            }
        }
        return name;
    }

    private long processed() throws Exception {
        return (long) queryDoubles("SELECT COUNT(*) FROM " + TABLE)[0] + deadLetterCount();
    }

    /**
     * Waits until {@code n} events are processed (row or dead letter), or until the count has not
     * moved for 10 s; returns the count.
     */
    private long awaitSettled(long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            long now = processed();
            if (now >= n) {
                return now;
            }
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(10)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** Waits until {@code n} events either wrote their row or went to the dead-letter topic. */
    private void awaitProcessed(long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queryDoubles("SELECT COUNT(*) FROM " + TABLE)[0] + deadLetterCount() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "timed out after " + timeout + " waiting for " + n + " rows");
            }
            Thread.sleep(200);
        }
    }

    private long deadLetterCount() {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            TopicPartition tp = new TopicPartition(dlqTopic, 0);
            return c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
        }
    }

    private Map<String, Integer> deadLetters() {
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

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void awaitQuery(String countQuery, long n) throws Exception {
        awaitQuery(countQuery, n, Duration.ofMinutes(2));
    }

    private void awaitQuery(String countQuery, long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queryDoubles(countQuery)[0] < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "timed out after " + timeout + " waiting for " + n + ": " + countQuery);
            }
            Thread.sleep(100);
        }
    }

    private double[] queryDoubles(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            int cols = rs.getMetaData().getColumnCount();
            double[] out = new double[cols];
            for (int i = 0; i < cols; i++) {
                out[i] = rs.getDouble(i + 1);
            }
            return out;
        }
    }

    private void execute(String url, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static void cancel(JobClient job) {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception ended) {
            // cancelled: the result future completes exceptionally
        }
    }
}
