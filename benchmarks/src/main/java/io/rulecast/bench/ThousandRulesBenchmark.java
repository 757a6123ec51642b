package io.rulecast.bench;

import static io.rulecast.job.RulecastOptions.JOB_NAME;
import static io.rulecast.job.RulecastOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.rulecast.job.RulecastOptions.KAFKA_GROUP_ID;
import static io.rulecast.job.RulecastOptions.KAFKA_STARTING_OFFSETS;
import static io.rulecast.job.RulecastOptions.PARALLELISM;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_PASSWORD;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_URL;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_USER;
import static io.rulecast.job.RulecastOptions.SINK_TABLES_ALLOWED;
import static io.rulecast.job.RulecastOptions.TOPIC_ALERTS;
import static io.rulecast.job.RulecastOptions.TOPIC_DLQ;
import static io.rulecast.job.RulecastOptions.TOPIC_EVENTS;
import static io.rulecast.job.RulecastOptions.TOPIC_METRICS;

import com.sun.management.OperatingSystemMXBean;
import io.rulecast.broker.KafkaBroker;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.job.routing.RuntimeFactory;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.ScriptRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;

/**
 * Rulecast with a thousand rules (issue 17): {@code --rules} rules over {@code --types} event types
 * ({@link ThousandRules}: five small wrongbook-style rules per type, Groovy and JavaScript
 * alternating) in the real job — Kafka source on a broker started here, MariaDB rules, dimension
 * and sink, an embedded MiniCluster at {@code --parallelism} — and, in the same JVM, the runtime
 * alone for heap and metaspace. Prints one table against the targets.
 *
 * <pre>
 * benchmarks/run-thousand-rules            # or:
 * java -Xmx3g -cp benchmarks/target/rulecast-benchmarks.jar io.rulecast.bench.ThousandRulesBenchmark \
 *     [--rules 1000] [--types 200] [--hot-types 2] [--events 40000] [--updates 20] [--parallelism 2]
 *     [--heap-groovy 300] [--heap-js 100] [--rounds 2] [--only heap,job]
 * </pre>
 *
 * <p>The job runs twice, first with only the rules of the {@code --hot-types} event types enabled
 * ({@code 5 × hot-types} rules, 10 by default), then with all of them; both see the same traffic,
 * events of the hot types only. Per job:
 *
 * <ol>
 *   <li><b>start → all compiled</b>: from {@code executeAsync} until the {@link ScriptRuntime} of
 *       every routing instance has compiled every enabled rule ({@link ScriptRuntime#compileCount},
 *       the operator's {@code compiles} gauge; versions are distinct, so one compile per rule and
 *       instance), and until the first row of an event that was waiting in the topic when the job
 *       started;
 *   <li><b>CPU per event</b>: thread CPU time ({@link ThreadMXBean}) of the routing task threads
 *       ({@code route events through rules (i/P)}) and of the whole process, over a backlog of
 *       {@code --events} hot-type events after an unreported warm-up backlog, divided by events;
 *   <li><b>hot update</b>: {@code --updates} commits of a new version of {@code type_000/r0} (a
 *       Groovy rule writing a {@code rev} column) while hot-type events flow at 200/s, from the
 *       commit's return to the {@code written_at} of the first row of the new version.
 * </ol>
 *
 * And before the jobs, in the same JVM: {@link RuleCountCpuBench}, the routing core's CPU per event
 * with 10 and with 1,000 rules loaded on one thread in alternating rounds; the rule table's time
 * for 1,000 puts; {@link RuleHeapBench}, heap (after a full GC) and metaspace per cached rule, per
 * language.
 */
public final class ThousandRulesBenchmark {
    private static final String ROUTING_THREAD = "route events through rules";

    /**
     * The runtimes the current job's routing instances made (a static: the factory is serialized
     * into the job, and the MiniCluster runs it in this JVM).
     */
    private static final List<ScriptRuntime> RUNTIMES = new CopyOnWriteArrayList<>();

    private static ScriptRuntime newRuntime(io.rulecast.runtime.RuntimeOptions options) {
        ScriptRuntime r = RuntimeFactory.DEFAULT.create(options);
        RUNTIMES.add(r);
        return r;
    }

    private final Map<String, String> args;
    private final int rules;
    private final int types;
    private final int hotTypes;
    private final int events;
    private final int updates;
    private final int parallelism;
    private final BenchDatabase db;
    private BenchKafka kafka;
    private int rev;

    private ThousandRulesBenchmark(Map<String, String> args) {
        this.args = args;
        this.rules = Integer.parseInt(args.getOrDefault("rules", "1000"));
        this.types = Integer.parseInt(args.getOrDefault("types", "200"));
        this.hotTypes = Integer.parseInt(args.getOrDefault("hot-types", "2"));
        this.events = Integer.parseInt(args.getOrDefault("events", "40000"));
        this.updates = Integer.parseInt(args.getOrDefault("updates", "20"));
        this.parallelism = Integer.parseInt(args.getOrDefault("parallelism", "2"));
        this.db =
                new BenchDatabase(
                        args.getOrDefault("jdbc-url", "jdbc:mysql://127.0.0.1:3306/"),
                        args.getOrDefault("user", "root"),
                        args.getOrDefault("password", ""));
        if (rules != types * ThousandRules.PER_TYPE) {
            throw new IllegalArgumentException(
                    "--rules must be " + ThousandRules.PER_TYPE + " × --types");
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args =
                BenchArgs.parse(
                        argv,
                        "usage: ThousandRulesBenchmark [--rules 1000] [--types 200] [--hot-types 2]"
                                + " [--events 40000] [--updates 20] [--parallelism 2]"
                                + " [--heap-groovy 300] [--heap-js 100] [--rounds 2]"
                                + " [--only heap,job]");
        new ThousandRulesBenchmark(args).run();
        System.exit(0);
    }

    /** What one job measured. */
    private record JobResult(
            int rules,
            double compiledSeconds,
            List<Double> perInstanceSeconds,
            double firstRowSeconds,
            long heapAfterGc,
            double routingCpuNsPerEvent,
            double processCpuNsPerEvent,
            List<Double> updateMillis,
            double pollMillis,
            long deadLetters) {}

    private void run() throws Exception {
        String only = args.getOrDefault("only", "heap,job");
        System.out.printf(
                Locale.ROOT,
                "Rulecast with many rules: %d rules over %d event types, parallelism %d, %d cores,"
                        + " max heap %d MiB, %s%n",
                rules,
                types,
                parallelism,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        List<RuleHeapBench.Result> heap = new ArrayList<>();
        if (only.contains("heap")) {
            heap.add(
                    RuleHeapBench.measure(
                            Language.GROOVY,
                            Integer.parseInt(args.getOrDefault("heap-groovy", "300"))));
            heap.add(
                    RuleHeapBench.measure(
                            Language.JS, Integer.parseInt(args.getOrDefault("heap-js", "100"))));
            int cpuRounds = Integer.parseInt(args.getOrDefault("core-rounds", "9"));
            if (cpuRounds > 0) {
                coreCpu = RuleCountCpuBench.measure(types, hotTypes, cpuRounds, 1.0);
                System.out.printf(
                        Locale.ROOT,
                        "routing core, one thread: %.0f ns CPU/event with %d rules loaded, %.0f"
                                + " with %d (median of %d alternating rounds)%n",
                        coreCpu[0],
                        hotTypes * ThousandRules.PER_TYPE,
                        coreCpu[1],
                        rules,
                        cpuRounds);
            }
            tablePuts[0] = RuleHeapBench.tablePutsMs(rules);
            tablePuts[1] = RuleHeapBench.tablePutsMs(10 * rules);
            System.out.printf(
                    Locale.ROOT,
                    "RuleTable: %d puts %.1f ms CPU, %d puts %.1f ms CPU%n",
                    rules,
                    tablePuts[0],
                    10 * rules,
                    tablePuts[1]);
            for (RuleHeapBench.Result r : heap) {
                System.out.printf(
                        Locale.ROOT,
                        "heap: %d %s rules, %.1f ms CPU per compile, %.1f ms CPU per first run;"
                                + " heap +%,d KB compiled, +%,d KB after one run each, metaspace"
                                + " +%,d KB%n",
                        r.rules(),
                        r.language(),
                        r.compileMs(),
                        r.firstRunMs(),
                        r.compiledHeapBytes() >> 10,
                        r.heapBytes() >> 10,
                        r.metaspaceBytes() >> 10);
            }
        }
        List<JobResult> jobs = new ArrayList<>();
        if (only.contains("job")) {
            kafka = new BenchKafka(KafkaBroker.start());
            String database = "rulecast_thousand_" + UUID.randomUUID().toString().substring(0, 8);
            try {
                db.create(database);
                insertRules();
                // Alternating, so that neither count runs only on a colder JVM; the table shows
                // the last round (hot updates run in the last round only).
                int rounds = Integer.parseInt(args.getOrDefault("rounds", "2"));
                for (int round = 1; round <= rounds; round++) {
                    boolean last = round == rounds;
                    jobs.add(runJob(ThousandRules.PER_TYPE * hotTypes, round, last));
                    jobs.add(runJob(rules, round, last));
                }
            } finally {
                db.execute(db.serverUrl, "DROP DATABASE IF EXISTS `" + database + "`");
                kafka.close();
            }
        }
        printTable(heap, jobs);
    }

    private void insertRules() throws Exception {
        try (Connection c = DriverManager.getConnection(db.dbUrl, db.user, db.password);
                PreparedStatement st =
                        c.prepareStatement(
                                "INSERT INTO routing_configs (domain, event_type, rule_name,"
                                        + " language, script, config_json, enabled, priority)"
                                        + " VALUES ('wrongbook', ?, ?, ?, ?, ?, 1, ?)")) {
            for (ThousandRules.Rule r : ThousandRules.rules(types)) {
                st.setString(1, r.eventType());
                st.setString(2, r.name());
                st.setString(3, r.languageName());
                st.setString(4, r.script());
                st.setString(5, r.config());
                st.setInt(6, 100 - Integer.parseInt(r.name().substring(1)));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private Map<String, String> jobSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        s.put(KAFKA_GROUP_ID.key(), "thousand-" + UUID.randomUUID());
        s.put(KAFKA_STARTING_OFFSETS.key(), "earliest");
        s.put(TOPIC_EVENTS.key(), kafka.topic);
        s.put(TOPIC_ALERTS.key(), "thousand-alerts");
        s.put(TOPIC_METRICS.key(), "thousand-metrics");
        s.put(TOPIC_DLQ.key(), kafka.dlqTopic);
        s.put(RULES_JDBC_URL.key(), db.dbUrl);
        s.put(RULES_JDBC_USER.key(), db.user);
        s.put(RULES_JDBC_PASSWORD.key(), db.password);
        s.put(SINK_TABLES_ALLOWED.key(), ThousandRules.TABLE);
        s.put("dims.questions.table", "dim_question");
        s.put("dims.questions.key-column", "question_id");
        s.put("events.key.path", "payload.userId");
        s.put(PARALLELISM.key(), Integer.toString(parallelism));
        s.put(JOB_NAME.key(), "rulecast-thousand");
        return s;
    }

    private JobResult runJob(int enabled, int round, boolean withUpdates) throws Exception {
        System.out.printf(
                Locale.ROOT, "%n== round %d: job with %d rules enabled ==%n", round, enabled);
        List<String> hot = new ArrayList<>();
        for (int t = 0; t < hotTypes; t++) {
            hot.add("'" + ThousandRules.type(t) + "'");
        }
        db.execute(
                db.dbUrl,
                enabled == rules
                        ? "UPDATE routing_configs SET enabled = 1"
                        : "UPDATE routing_configs SET enabled = (event_type IN ("
                                + String.join(",", hot)
                                + "))",
                "TRUNCATE TABLE " + ThousandRules.TABLE);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        kafka.dlqTopic = kafka.createTopic("thousand-dlq-" + suffix, 1);
        kafka.topic = kafka.createTopic("thousand-events-" + suffix, parallelism);
        kafka.newProducer();
        // Events already waiting when the job starts: their first row shows when routing began.
        int probes = 200;
        kafka.send(ThousandRules.events(probes, hotTypes, "probe", 5));

        List<ScriptRuntime> runtimes = RUNTIMES;
        runtimes.clear();
        RuntimeFactory capturing = ThousandRulesBenchmark::newRuntime;
        long start = System.nanoTime();
        JobClient job =
                RulecastJob.fromConfig(RulecastConfig.of(jobSettings()))
                        .withRuntimeFactory(capturing)
                        .executeAsync();
        try {
            double[] perInstance = new double[parallelism];
            double firstRow = Double.NaN;
            double compiled = Double.NaN;
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (Double.isNaN(compiled) || Double.isNaN(firstRow)) {
                double now = (System.nanoTime() - start) / 1e9;
                if (Double.isNaN(firstRow) && db.rows() > 0) {
                    firstRow = now;
                }
                if (Double.isNaN(compiled) && runtimes.size() >= parallelism) {
                    boolean all = true;
                    for (int i = 0; i < parallelism; i++) {
                        if (perInstance[i] == 0) {
                            if (runtimes.get(i).compileCount() >= enabled) {
                                perInstance[i] = now;
                            } else {
                                all = false;
                            }
                        }
                    }
                    if (all) {
                        compiled = now;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the rules did not compile in 10 minutes");
                }
                Thread.sleep(20);
            }
            System.out.printf(
                    Locale.ROOT,
                    "start → every rule compiled on every instance: %.1f s (per instance %s);"
                            + " start → first row: %.1f s%n",
                    compiled,
                    java.util.Arrays.toString(perInstance),
                    firstRow);
            while (db.rows() + kafka.deadLetterCount() < probes) {
                Thread.sleep(100);
            }
            long heapAfterGc = RuleHeapBench.usedHeapAfterGc();
            System.out.printf(
                    Locale.ROOT,
                    "used heap after GC with the job running: %,d MB%n",
                    heapAfterGc >> 20);

            // CPU per event: one unreported warm-up backlog, then the measured one.
            backlog("warm", Math.max(5000, events / 2));
            double[] cpu = backlog("cpu", events);

            double pollMs = pollMillis();
            System.out.printf(
                    Locale.ROOT, "one rules poll (RulesDatabase.readAll): %.0f ms%n", pollMs);
            List<Double> millis = withUpdates ? hotUpdates() : List.of();
            long dead = kafka.deadLetterCount();
            if (dead > 0) {
                System.out.println("dead letters by reason: " + kafka.deadLetters());
            }
            return new JobResult(
                    enabled,
                    compiled,
                    java.util.Arrays.stream(perInstance).boxed().toList(),
                    firstRow,
                    heapAfterGc,
                    cpu[0],
                    cpu[1],
                    millis,
                    pollMs,
                    dead);
        } finally {
            EndToEndBenchmark.cancel(job);
        }
    }

    /**
     * Sends {@code n} hot-type events and waits for their rows; returns the CPU ns per event of the
     * routing threads and of the process meanwhile.
     */
    private double[] backlog(String prefix, int n) throws Exception {
        db.execute(db.dbUrl, "TRUNCATE TABLE " + ThousandRules.TABLE);
        List<byte[]> batch = ThousandRules.events(n, hotTypes, prefix, 11);
        long routing0 = routingCpu(false);
        long process0 = processCpu();
        long dead0 = kafka.deadLetterCount();
        long wall0 = System.nanoTime();
        kafka.send(batch);
        // Every event writes one row (rule r0 of its type) or goes to the dead-letter topic.
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (db.rows() + kafka.deadLetterCount() - dead0 < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("backlog not processed in 10 minutes");
            }
            Thread.sleep(100);
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        long dead = kafka.deadLetterCount() - dead0;
        if (dead > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "%s backlog: %d events dead-lettered; all dead letters so far: %s%n",
                    prefix,
                    dead,
                    kafka.deadLetters());
        }
        long routing = routingCpu(prefix.equals("cpu")) - routing0;
        long process = processCpu() - process0;
        System.out.printf(
                Locale.ROOT,
                "%s backlog: %,d events in %.1f s wall; routing threads %.0f ns CPU/event,"
                        + " process %.0f ns CPU/event%n",
                prefix,
                n,
                wall,
                (double) routing / n,
                (double) process / n);
        return new double[] {(double) routing / n, (double) process / n};
    }

    /**
     * Wall ms of one read of routing_configs as the rules source polls it (median of 5), from this
     * JVM: the part of a hot update's latency that grows with the number of rows.
     */
    private double pollMillis() throws Exception {
        List<Double> ms = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.dbUrl, db.user, db.password)) {
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                int rows = io.rulecast.job.rules.RulesDatabase.readAll(c).size();
                ms.add((System.nanoTime() - t0) / 1e6);
                if (rows != rules) {
                    throw new IllegalStateException(rows + " rows read");
                }
            }
        }
        ms.sort(Double::compare);
        return ms.get(2);
    }

    /** CPU time of the routing task threads (the operator is a task of its own). */
    private static long routingCpu(boolean print) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        List<String> names = new ArrayList<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(ROUTING_THREAD)) {
                long cpu = threads.getThreadCpuTime(t.getThreadId());
                if (cpu > 0) {
                    sum += cpu;
                    names.add(t.getThreadName());
                }
            }
        }
        if (print) {
            System.out.println("routing threads measured: " + names);
        }
        return sum;
    }

    private static long processCpu() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {@code --updates} new versions of type_000/r0 while hot-type events flow at 200/s. */
    private List<Double> hotUpdates() throws Exception {
        List<Double> millis = new ArrayList<>();
        if (updates <= 0) {
            return millis;
        }
        db.execute(db.dbUrl, "TRUNCATE TABLE " + ThousandRules.TABLE);
        AtomicBoolean flowing = new AtomicBoolean(true);
        Thread feeder =
                new Thread(
                        () -> {
                            try {
                                feed(flowing);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "thousand-feeder");
        feeder.start();
        CompileClock compiles = new CompileClock(RUNTIMES);
        List<String> parts = new ArrayList<>();
        List<Double> toCompiled = new ArrayList<>();
        List<Double> compiledToWritten = new ArrayList<>();
        try {
            for (int i = 1; i <= updates; i++) {
                Thread.sleep(300 + (i * 137) % 500); // commits at no fixed phase of the poll
                int r = ++rev;
                long committed;
                try (Connection c = DriverManager.getConnection(db.dbUrl, db.user, db.password);
                        PreparedStatement st =
                                c.prepareStatement(
                                        "UPDATE routing_configs SET script = ? WHERE event_type ="
                                                + " 'type_000' AND rule_name = 'r0'")) {
                    st.setString(1, ThousandRules.rule(0, 0, r).script());
                    st.executeUpdate();
                    committed = System.currentTimeMillis();
                }
                String where = " FROM " + ThousandRules.TABLE + " WHERE rev = " + r;
                db.awaitQuery("SELECT COUNT(*)" + where, 1);
                // the first row of the new version: when it was written, when its event was sent
                double[] first =
                        db.queryDoubles(
                                "SELECT ROUND(UNIX_TIMESTAMP(written_at) * 1000), add_time"
                                        + where
                                        + " ORDER BY written_at, add_time LIMIT 1");
                millis.add(first[0] - committed);
                long[] compiled = compiles.after(committed);
                long lastCompiled = java.util.Arrays.stream(compiled).max().orElse(committed);
                toCompiled.add((double) lastCompiled - committed);
                compiledToWritten.add(first[0] - lastCompiled);
                parts.add(
                        String.format(
                                Locale.ROOT,
                                "%.0f = compiled %s, event sent %+.0f, written %+.0f",
                                first[0] - committed,
                                java.util.Arrays.stream(compiled)
                                        .mapToObj(t -> Long.toString(t - committed))
                                        .toList(),
                                first[1] - lastCompiled,
                                first[0] - lastCompiled));
            }
        } finally {
            compiles.close();
            flowing.set(false);
            feeder.join(10_000);
        }
        // Where the time goes (ms after the commit): compiled on each instance (the poll wait,
        // the read, the broadcast and the compile), then the first event of the new version
        // (sent relative to the last compile; negative: it was queued before it) and its row's
        // written_at (the events' and the writes' network buffers and the sink's flush wait).
        System.out.println("hot updates, per update (ms after the commit): " + parts);
        toCompiled.sort(Double::compare);
        compiledToWritten.sort(Double::compare);
        System.out.printf(
                Locale.ROOT,
                "hot updates: commit → compiled on every instance p50 %.0f / max %.0f ms;"
                        + " compiled → first new row written p50 %.0f / max %.0f ms%n",
                EndToEndBenchmark.percentile(toCompiled, 50),
                toCompiled.get(toCompiled.size() - 1),
                EndToEndBenchmark.percentile(compiledToWritten, 50),
                compiledToWritten.get(compiledToWritten.size() - 1));
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(Double::compare);
        System.out.printf(
                Locale.ROOT,
                "hot updates: commit → first new output p50 %.0f ms, p99 %.0f ms, all %s%n",
                EndToEndBenchmark.percentile(sorted, 50),
                EndToEndBenchmark.percentile(sorted, 99),
                sorted.stream().map(d -> Long.toString(Math.round(d))).toList());
        return sorted;
    }

    /**
     * When each routing instance's runtime compiled something (its {@code compiles} count went up),
     * sampled every millisecond: a hot update's compile is the first one after its commit.
     */
    private static final class CompileClock implements AutoCloseable {
        private final List<ScriptRuntime> runtimes;
        private final List<List<Long>> times = new ArrayList<>();
        private final Thread sampler;
        private volatile boolean running = true;

        CompileClock(List<ScriptRuntime> runtimes) {
            this.runtimes = List.copyOf(runtimes);
            long[] counts = new long[this.runtimes.size()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = this.runtimes.get(i).compileCount();
                times.add(java.util.Collections.synchronizedList(new ArrayList<>()));
            }
            sampler =
                    new Thread(
                            () -> {
                                while (running) {
                                    for (int i = 0; i < counts.length; i++) {
                                        long c = this.runtimes.get(i).compileCount();
                                        if (c != counts[i]) {
                                            counts[i] = c;
                                            times.get(i).add(System.currentTimeMillis());
                                        }
                                    }
                                    try {
                                        Thread.sleep(1);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "thousand-compile-clock");
            sampler.setDaemon(true);
            sampler.start();
        }

        /** Per instance, the first compile at or after {@code t} (or t when none was seen). */
        long[] after(long t) {
            long[] out = new long[runtimes.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = t;
                synchronized (times.get(i)) {
                    for (long c : times.get(i)) {
                        if (c >= t) {
                            out[i] = c;
                            break;
                        }
                    }
                }
            }
            return out;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join(1000);
        }
    }

    private void feed(AtomicBoolean flowing) throws Exception {
        List<byte[]> template = BenchData.events(1000, 7);
        long gap = 5_000_000L; // 200/s
        long next = System.nanoTime();
        for (int n = 0; flowing.get(); n++) {
            kafka.send(
                    List.of(
                            ThousandRules.retype(
                                    template.get(n % template.size()),
                                    ThousandRules.type(n % hotTypes),
                                    "hot" + n,
                                    System.currentTimeMillis())));
            next += gap;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    private final double[] tablePuts = {Double.NaN, Double.NaN};
    private double[] coreCpu;

    private void printTable(List<RuleHeapBench.Result> heap, List<JobResult> jobs) {
        System.out.printf(
                Locale.ROOT,
                "%n%d rules over %d event types (Groovy and JavaScript alternating), parallelism"
                        + " %d%n",
                rules,
                types,
                parallelism);
        System.out.println("| measurement | value | target | |");
        System.out.println("|---|---:|---|---|");
        JobResult small = jobs.size() > 1 ? jobs.get(jobs.size() - 2) : null;
        JobResult full = jobs.size() > 1 ? jobs.get(jobs.size() - 1) : null;
        if (full != null) {
            System.out.printf(
                    Locale.ROOT,
                    "| 1. job start → all %d rules compiled on all %d instances | %.1f s | (none"
                            + " set) | %d rules: %.1f s |%n",
                    full.rules(),
                    parallelism,
                    full.compiledSeconds(),
                    small.rules(),
                    small.compiledSeconds());
            for (int i = 0; i + 1 < jobs.size() - 2; i += 2) {
                System.out.printf(
                        Locale.ROOT,
                        "| (round %d) start → all compiled; routing CPU per event | %.1f s; %,.0f"
                                + " ns | | %d rules: %.1f s; %,.0f ns |%n",
                        i / 2 + 1,
                        jobs.get(i + 1).compiledSeconds(),
                        jobs.get(i + 1).routingCpuNsPerEvent(),
                        jobs.get(i).rules(),
                        jobs.get(i).compiledSeconds(),
                        jobs.get(i).routingCpuNsPerEvent());
            }
            System.out.printf(
                    Locale.ROOT,
                    "| 1b. job start → first row of a waiting event | %.1f s | | %d rules: %.1f s"
                            + " |%n",
                    full.firstRowSeconds(),
                    small.rules(),
                    small.firstRowSeconds());
        }
        for (RuleHeapBench.Result r : heap) {
            boolean groovy = r.language() == Language.GROOVY;
            System.out.printf(
                    Locale.ROOT,
                    "| 2. heap per cached %s rule (%d rules, after full GC) | %.0f KB | %s | %s |%n",
                    groovy ? "Groovy" : "JavaScript",
                    r.rules(),
                    r.heapKbPerRule(),
                    groovy ? "≤ 100 KB" : "(none set)",
                    groovy ? (r.heapKbPerRule() <= 100 ? "met" : "NOT met") : "");
            System.out.printf(
                    Locale.ROOT,
                    "| 2. metaspace per cached %s rule | %.0f KB | | heap before its first run:"
                            + " %.0f KB; CPU per compile %.1f ms, per first run %.1f ms |%n",
                    groovy ? "Groovy" : "JavaScript",
                    r.metaspaceKbPerRule(),
                    r.compiledHeapKbPerRule(),
                    r.compileMs(),
                    r.firstRunMs());
        }
        if (!Double.isNaN(tablePuts[0])) {
            System.out.printf(
                    Locale.ROOT,
                    "| 1c. rule table: %,d rules put one by one (start-up) | %.1f ms CPU | | %,d"
                            + " rules: %.1f ms |%n",
                    rules,
                    tablePuts[0],
                    10 * rules,
                    tablePuts[1]);
        }
        if (coreCpu != null) {
            double r = coreCpu[1] / coreCpu[0];
            System.out.printf(
                    Locale.ROOT,
                    "| 3. routing core CPU per event (one thread, alternating rounds), %d vs %d rules"
                            + " loaded | %,.0f vs %,.0f ns (%+.0f %%) | ≤ 10 %% | %s |%n",
                    rules,
                    hotTypes * ThousandRules.PER_TYPE,
                    coreCpu[1],
                    coreCpu[0],
                    (r - 1) * 100,
                    Math.abs(r - 1) <= 0.10 ? "met" : "NOT met");
        }
        if (full != null) {
            System.out.printf(
                    Locale.ROOT,
                    "| 2b. job heap after GC, %d vs %d rules, per rule and instance | %.0f KB |"
                            + " | %,d MB vs %,d MB |%n",
                    full.rules(),
                    small.rules(),
                    (full.heapAfterGc() - small.heapAfterGc())
                            / 1024.0
                            / (full.rules() - small.rules())
                            / parallelism,
                    full.heapAfterGc() >> 20,
                    small.heapAfterGc() >> 20);
            // CPU per event falls the longer the JVM runs (JIT), whichever job comes later: with
            // two rounds or more, the last 10-rule job is compared with the mean of the 1,000-rule
            // jobs just before and just after it, which cancels a linear drift.
            boolean bracketed = jobs.size() >= 4;
            double fullNs =
                    bracketed
                            ? (jobs.get(jobs.size() - 3).routingCpuNsPerEvent()
                                            + full.routingCpuNsPerEvent())
                                    / 2
                            : full.routingCpuNsPerEvent();
            double ratio = fullNs / small.routingCpuNsPerEvent();
            System.out.printf(
                    Locale.ROOT,
                    "| 3b. job: routing threads' CPU per event, %d vs %d rules loaded%s | %,.0f vs %,.0f ns (%+.0f"
                            + " %%) | | %s |%n",
                    full.rules(),
                    small.rules(),
                    bracketed ? " (mean of the 1,000-rule jobs before and after)" : "",
                    fullNs,
                    small.routingCpuNsPerEvent(),
                    (ratio - 1) * 100,
                    "noisy: see the log's rounds");
            System.out.printf(
                    Locale.ROOT,
                    "| 3c. job: process CPU per event, %d vs %d rules | %,.0f vs %,.0f ns (%+.0f %%) |"
                            + " | |%n",
                    full.rules(),
                    small.rules(),
                    full.processCpuNsPerEvent(),
                    small.processCpuNsPerEvent(),
                    (full.processCpuNsPerEvent() / small.processCpuNsPerEvent() - 1) * 100);
            if (!full.updateMillis().isEmpty()) {
                double p99 = EndToEndBenchmark.percentile(full.updateMillis(), 99);
                System.out.printf(
                        Locale.ROOT,
                        "| 4. hot update with %d rules running: commit → first new output, p50 /"
                                + " p99 (%d updates) | %.0f / %.0f ms | p99 ≤ 1 s | %s; %d rules:"
                                + " %.0f / %.0f ms |%n",
                        full.rules(),
                        full.updateMillis().size(),
                        EndToEndBenchmark.percentile(full.updateMillis(), 50),
                        p99,
                        p99 <= 1000 ? "met" : "NOT met",
                        small.rules(),
                        EndToEndBenchmark.percentile(small.updateMillis(), 50),
                        EndToEndBenchmark.percentile(small.updateMillis(), 99));
            }
            System.out.printf(
                    Locale.ROOT,
                    "| 4b. one rules poll (readAll of routing_configs) | %.0f ms | | %d rows;"
                            + " polled every rules.poll.interval (500 ms) |%n",
                    full.pollMillis(),
                    full.rules());
            System.out.printf(
                    Locale.ROOT,
                    "| dead letters | %d | 0 | %d rules: %d |%n",
                    full.deadLetters(),
                    small.rules(),
                    small.deadLetters());
        }
    }
}
