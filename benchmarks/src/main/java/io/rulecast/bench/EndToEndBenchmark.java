package io.rulecast.bench;

import static io.rulecast.job.RulecastOptions.JOB_NAME;
import static io.rulecast.job.RulecastOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.rulecast.job.RulecastOptions.KAFKA_GROUP_ID;
import static io.rulecast.job.RulecastOptions.KAFKA_STARTING_OFFSETS;
import static io.rulecast.job.RulecastOptions.PARALLELISM;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_PASSWORD;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_URL;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_USER;
import static io.rulecast.job.RulecastOptions.SINK_BATCH_SIZE;
import static io.rulecast.job.RulecastOptions.SINK_CONNECTIONS;
import static io.rulecast.job.RulecastOptions.SINK_TABLES_ALLOWED;
import static io.rulecast.job.RulecastOptions.TOPIC_ALERTS;
import static io.rulecast.job.RulecastOptions.TOPIC_DLQ;
import static io.rulecast.job.RulecastOptions.TOPIC_EVENTS;
import static io.rulecast.job.RulecastOptions.TOPIC_METRICS;

import io.rulecast.broker.KafkaBroker;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.job.routing.RuntimeFactory;
import io.rulecast.runtime.ScriptRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

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
 *     [--only plain,sink,java,groovy,js] [--sink-batch-size 500] [--sink-connections 1,2] [--rounds 3]
 * </pre>
 *
 * <p>Per variant: <b>events/s</b> is the backlog of N events drained end to end, measured from the
 * first to the last row the sink wrote (the table's own {@code written_at}), so job start-up is
 * left out; <b>MariaDB rows/s</b> is rows written in that window (one row per event here, so the
 * two agree unless rows are lost); <b>latency</b> is event-to-row time of a separate paced stream
 * ({@code --latency-rate} events/s for {@code --latency-seconds}) sent after the backlog, from the
 * event's timestamp (its send time) to its row's {@code written_at}.
 *
 * <p>{@code plain} is the same backlog written by {@link PlainJdbcLoader} (a Kafka consumer with
 * batched upserts, what a user would write by hand), measured the same way in the same run; a
 * second table gives each variant's sink rows/s against it. {@code sink} is Rulecast's sink alone
 * ({@link SinkAloneBench}), once per {@code --sink-connections} value.
 */
public final class EndToEndBenchmark {
    private static final String TABLE = BenchDatabase.TABLE;

    private final Map<String, String> args;
    private final int events;
    private final int updates;
    private final int parallelism;
    private final int latencyRate;
    private final int latencySeconds;
    private final int rounds;
    private final BenchDatabase db;
    private BenchKafka kafka;
    private List<byte[]> backlog;

    private EndToEndBenchmark(Map<String, String> args) {
        this.args = args;
        this.events = Integer.parseInt(args.getOrDefault("events", "200000"));
        this.updates = Integer.parseInt(args.getOrDefault("updates", "20"));
        this.parallelism = Integer.parseInt(args.getOrDefault("parallelism", "1"));
        this.latencyRate = Integer.parseInt(args.getOrDefault("latency-rate", "500"));
        this.latencySeconds = Integer.parseInt(args.getOrDefault("latency-seconds", "10"));
        this.rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
        this.db =
                new BenchDatabase(
                        args.getOrDefault("jdbc-url", "jdbc:mysql://127.0.0.1:3306/"),
                        args.getOrDefault("user", "root"),
                        args.getOrDefault("password", ""));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args =
                BenchArgs.parse(
                        argv,
                        "usage: EndToEndBenchmark [--events N] [--updates N] [--parallelism P]"
                                + " [--latency-rate R] [--latency-seconds S] [--jdbc-url URL]"
                                + " [--user U] [--password P] [--only plain,sink,java,groovy,js]"
                                + " [--sink-batch-size N] [--sink-connections 1,2] [--rounds 3]");
        new EndToEndBenchmark(args).run();
        System.exit(0);
    }

    /** One way to run wrongbook_add. */
    private record Variant(
            String name,
            String language,
            String script,
            RuntimeFactory runtimes,
            int sinkConnections) {

        Variant(String name, String language, String script, RuntimeFactory runtimes) {
            this(name, language, script, runtimes, 1);
        }

        Variant withSinkConnections(int n) {
            return new Variant(
                    name + ", " + n + " sink connections", language, script, runtimes, n);
        }
    }

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
        kafka = new BenchKafka(KafkaBroker.start());
        String database = "rulecast_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try {
            db.create(database);
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
            // --sink-connections 1,2: the Java class variant once per value, side by side.
            List<Variant> expanded = new ArrayList<>();
            String[] connections = args.getOrDefault("sink-connections", "1").split(",");
            for (Variant v : variants) {
                for (String c :
                        v.name().startsWith("Java class")
                                ? connections
                                : new String[] {connections[0]}) {
                    int n = Integer.parseInt(c.trim());
                    expanded.add(connections.length > 1 || n != 1 ? v.withSinkConnections(n) : v);
                }
            }
            variants = expanded;
            String only = args.get("only");
            // The first job in a JVM pays for class loading and JIT of Flink, Kafka and JDBC; a
            // short unreported run of the first variant keeps that out of the table.
            int warmUp = Math.min(events, 20_000);
            System.out.printf(Locale.ROOT, "%nwarm-up: %,d events, not reported%n", warmUp);
            measure(variants.get(0), backlog.subList(0, warmUp), false);
            List<Result> results = new ArrayList<>();
            // The plain loader and the sink alone take turns for --rounds rounds; the median
            // round of each counts (the machine's speed drifts within a run).
            Result plain = null;
            List<Result> sinkAlone = new ArrayList<>();
            boolean withPlain = only == null || only.contains("plain");
            boolean withSink = only == null || only.contains("sink");
            if (withPlain) {
                measurePlain(backlog.subList(0, warmUp), false);
            }
            List<Result> plainRounds = new ArrayList<>();
            List<List<Result>> sinkRounds = new ArrayList<>();
            for (String c : connections) {
                sinkRounds.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                if (withPlain) {
                    plainRounds.add(measurePlain(backlog, true));
                }
                for (int i = 0; withSink && i < connections.length; i++) {
                    sinkRounds
                            .get(i)
                            .add(measureSinkAlone(Integer.parseInt(connections[i].trim())));
                }
            }
            if (withPlain) {
                plain = median(plainRounds);
            }
            for (List<Result> r : sinkRounds) {
                if (!r.isEmpty()) {
                    sinkAlone.add(median(r));
                }
            }
            for (Variant v : variants) {
                if (only == null
                        || only.contains(v.name().split(" ")[0].toLowerCase(Locale.ROOT))) {
                    results.add(measure(v, backlog, true));
                }
            }
            printTable(results);
            if (plain != null) {
                printSinkTable(plain, sinkAlone, results);
            }
            if (updates > 0) {
                new HotUpdateBench(this, db, kafka, updates).run();
            }
        } finally {
            db.execute(db.serverUrl, "DROP DATABASE IF EXISTS `" + database + "`");
            kafka.close();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The job's settings for the current run, through the options {@code rulecast run} uses. */
    Map<String, String> jobSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        s.put(KAFKA_GROUP_ID.key(), "bench-" + UUID.randomUUID());
        s.put(KAFKA_STARTING_OFFSETS.key(), "earliest");
        s.put(TOPIC_EVENTS.key(), kafka.topic);
        s.put(TOPIC_ALERTS.key(), "bench-alerts");
        s.put(TOPIC_METRICS.key(), "bench-metrics");
        s.put(TOPIC_DLQ.key(), kafka.dlqTopic);
        s.put(RULES_JDBC_URL.key(), db.dbUrl);
        s.put(RULES_JDBC_USER.key(), db.user);
        s.put(RULES_JDBC_PASSWORD.key(), db.password);
        s.put(SINK_TABLES_ALLOWED.key(), TABLE);
        s.put(SINK_BATCH_SIZE.key(), Integer.toString(sinkBatchSize()));
        s.put("dims.questions.table", "dim_question");
        s.put("dims.questions.key-column", "question_id");
        // Read the dimension whole when the job opens, as the plain loader reads it before it
        // starts.
        s.put("dims.questions.preload", "true");
        s.put(PARALLELISM.key(), Integer.toString(parallelism));
        s.put(JOB_NAME.key(), "rulecast-bench");
        return s;
    }

    private Result measure(Variant v, List<byte[]> input, boolean report) throws Exception {
        if (report) {
            System.out.printf(Locale.ROOT, "%n== %s ==%n", v.name());
        }
        int events = input.size();
        db.execute(db.dbUrl, "DELETE FROM routing_configs", "TRUNCATE TABLE " + TABLE);
        db.setRule(v.language(), v.script(), null);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        kafka.dlqTopic = kafka.createTopic("bench-dlq-" + suffix, 1);
        // A fresh topic per run, holding exactly the backlog.
        kafka.topic = kafka.createTopic("bench-events-" + suffix, 2);
        kafka.newProducer();
        kafka.send(input);
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
        long cpuAtSubmit = processCpuNanos();
        Map<String, String> settings = jobSettings();
        settings.put(SINK_CONNECTIONS.key(), Integer.toString(v.sinkConnections()));
        JobClient job =
                RulecastJob.fromConfig(RulecastConfig.of(settings))
                        .withRuntimeFactory(v.runtimes())
                        .executeAsync();
        try {
            long settled = awaitSettled(events, Duration.ofMinutes(30));
            double wall = (System.nanoTime() - submitted) / 1e9;
            // This JVM's CPU (Flink, the job, the benchmark's polling; not the broker or MariaDB)
            // from submitting the job to its last row: less noisy than rows/s on a shared machine.
            double cpu = (processCpuNanos() - cpuAtSubmit) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "process CPU from submit to the last row: %.1f s, %.3f s per 1,000 events%n",
                    cpu,
                    cpu * 1000 / events);
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
                    db.queryDoubles(
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
            int n = kafka.paced(prefix, latencyRate, latencySeconds, null);
            awaitProcessed(before + n, Duration.ofMinutes(5));
            Map<String, Integer> dead = kafka.deadLetters();
            if (!dead.isEmpty()) {
                System.out.println("dead letters by reason: " + dead);
            }
            double[] lat = db.latencies(prefix);
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

    /**
     * The same backlog written by {@link PlainJdbcLoader}, the hand-written Kafka-to-JDBC loader,
     * measured like a variant: from the first to the last row's {@code written_at}.
     */
    private Result measurePlain(List<byte[]> input, boolean report) throws Exception {
        if (report) {
            System.out.printf(Locale.ROOT, "%n== plain JDBC loader ==%n");
        }
        db.execute(db.dbUrl, "TRUNCATE TABLE " + TABLE);
        kafka.topic =
                kafka.createTopic("bench-plain-" + UUID.randomUUID().toString().substring(0, 8), 2);
        kafka.newProducer();
        kafka.send(input);
        long start = System.nanoTime();
        new PlainJdbcLoader(db, kafka.bootstrapServers(), sinkBatchSize())
                .load(kafka.topic, input.size());
        double wall = (System.nanoTime() - start) / 1e9;
        double[] window =
                db.queryDoubles(
                        "SELECT COUNT(*), (UNIX_TIMESTAMP(MAX(written_at))"
                                + " - UNIX_TIMESTAMP(MIN(written_at))) FROM "
                                + TABLE);
        if (!report) {
            return null;
        }
        System.out.printf(
                Locale.ROOT,
                "backlog: %,d rows in %.1f s (%.1f s with consumer start-up)%n",
                (long) window[0],
                window[1],
                wall);
        Variant v = new Variant("Plain JDBC loader", "java", null, null);
        return new Result(v, (int) window[0], window[1], wall, Double.NaN, Double.NaN, 0, 0);
    }

    /**
     * Rulecast's sink alone ({@link SinkAloneBench}: rows made in the job, keyBy, sink operator),
     * as many rows as the backlog, measured like the rest.
     */
    private Result measureSinkAlone(int connections) throws Exception {
        String name = "Rulecast sink alone, " + connections + " connection(s)";
        System.out.printf(Locale.ROOT, "%n== %s ==%n", name);
        db.execute(db.dbUrl, "TRUNCATE TABLE " + TABLE);
        long start = System.nanoTime();
        SinkAloneBench.run(db, events, sinkBatchSize(), connections);
        double wall = (System.nanoTime() - start) / 1e9;
        double[] window =
                db.queryDoubles(
                        "SELECT COUNT(*), (UNIX_TIMESTAMP(MAX(written_at))"
                                + " - UNIX_TIMESTAMP(MIN(written_at))) FROM "
                                + TABLE);
        System.out.printf(
                Locale.ROOT,
                "%,d rows in %.1f s (%.1f s with job start-up)%n",
                (long) window[0],
                window[1],
                wall);
        Variant v = new Variant(name, "java", null, null, connections);
        return new Result(v, (int) window[0], window[1], wall, Double.NaN, Double.NaN, 0, 0);
    }

    /** The round of median rows/s. */
    private static Result median(List<Result> rounds) {
        List<Result> sorted = new ArrayList<>(rounds);
        sorted.sort((a, b) -> Double.compare(a.eventsPerSecond(), b.eventsPerSecond()));
        return sorted.get(sorted.size() / 2);
    }

    private int sinkBatchSize() {
        return Integer.parseInt(
                args.getOrDefault("sink-batch-size", SINK_BATCH_SIZE.defaultValue().toString()));
    }

    /** Rulecast's rows/s against the plain loader's, from the same run. */
    private void printSinkTable(Result plain, List<Result> sinkAlone, List<Result> results) {
        System.out.printf(
                Locale.ROOT,
                "%nSink vs a plain JDBC loader (same table, batch %d, parallelism %d; loader and sink"
                        + " alone: median of %d alternating rounds)%n",
                sinkBatchSize(),
                parallelism,
                rounds);
        System.out.println("| writer | MariaDB rows/s | vs plain loader |");
        System.out.println("|---|---:|---:|");
        double base = plain.rows() / plain.windowSeconds();
        System.out.printf(
                Locale.ROOT,
                "| plain JDBC loader (1 consumer, 1 connection) | %,.0f | 1.00× |%n",
                base);
        for (Result r : sinkAlone) {
            double rate = r.rows() / r.windowSeconds();
            System.out.printf(
                    Locale.ROOT, "| %s | %,.0f | %.2f× |%n", r.variant().name(), rate, rate / base);
        }
        for (Result r : results) {
            double rate = r.rows() / r.windowSeconds();
            System.out.printf(
                    Locale.ROOT,
                    "| Rulecast job, %s | %,.0f | %.2f× |%n",
                    r.variant().name(),
                    rate,
                    rate / base);
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

    static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private long processed() throws Exception {
        return db.rows() + kafka.deadLetterCount();
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
        while (processed() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "timed out after " + timeout + " waiting for " + n + " rows");
            }
            Thread.sleep(200);
        }
    }

    static void cancel(JobClient job) {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception ended) {
            // cancelled: the result future completes exceptionally
        }
    }
}
