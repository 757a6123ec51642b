package io.rulecast.bench;

import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.job.RulecastOptions;
import io.rulecast.job.routing.RuntimeFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;

/** The end-to-end benchmark's last part: how long a rule change takes to reach the output. */
final class HotUpdateBench {
    private final EndToEndBenchmark bench;
    private final BenchDatabase db;
    private final BenchKafka kafka;
    private final int updates;

    HotUpdateBench(EndToEndBenchmark bench, BenchDatabase db, BenchKafka kafka, int updates) {
        this.bench = bench;
        this.db = db;
        this.kafka = kafka;
        this.updates = updates;
    }

    /**
     * {@code --updates} commits of {@code UPDATE routing_configs} while events flow (200/s); each
     * changes the rule's output column {@code rev}. Measured: from the commit's return (this JVM's
     * clock) to the {@code written_at} of the first row carrying the new {@code rev} (the
     * database's clock; the same machine), with the default {@code rules.poll.interval}.
     */
    void run() throws Exception {
        System.out.printf(Locale.ROOT, "%n== hot updates: %d commits, Groovy rule ==%n", updates);
        db.execute(db.dbUrl, "DELETE FROM routing_configs");
        String base = BenchData.resource("wrongbook_add.groovy");
        long id = db.setRule("groovy", withRev(base, 0), null);
        Map<String, String> settings = bench.jobSettings();
        // Only the events sent from now on: the backlog was measured already.
        settings.put(RulecastOptions.KAFKA_STARTING_OFFSETS.key(), "latest");
        JobClient job =
                RulecastJob.fromConfig(RulecastConfig.of(settings))
                        .withRuntimeFactory(RuntimeFactory.DEFAULT)
                        .executeAsync();
        kafka.newProducer();
        AtomicBoolean flowing = new AtomicBoolean(true);
        Thread feeder =
                new Thread(
                        () -> {
                            try {
                                kafka.paced("hot", 200, Integer.MAX_VALUE, flowing);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "bench-feeder");
        try {
            feeder.start();
            db.awaitQuery(
                    "SELECT COUNT(*) FROM "
                            + BenchDatabase.TABLE
                            + " WHERE rev = 0 AND wrongbook_id LIKE 'hot-%'",
                    1);
            List<Double> millis = new ArrayList<>();
            for (int i = 1; i <= updates; i++) {
                Thread.sleep(300 + (i * 137) % 500); // commits at no fixed phase of the poll
                long committed;
                try (Connection c = DriverManager.getConnection(db.dbUrl, db.user, db.password);
                        PreparedStatement st =
                                c.prepareStatement(
                                        "UPDATE routing_configs SET script = ? WHERE id = ?")) {
                    st.setString(1, withRev(base, i));
                    st.setLong(2, id);
                    st.executeUpdate(); // auto-commit: returns once committed
                    committed = System.currentTimeMillis();
                }
                db.awaitQuery(
                        "SELECT COUNT(*) FROM " + BenchDatabase.TABLE + " WHERE rev = " + i, 1);
                double first =
                        db.queryDoubles(
                                        "SELECT ROUND(UNIX_TIMESTAMP(MIN(written_at)) * 1000) FROM "
                                                + BenchDatabase.TABLE
                                                + " WHERE rev = "
                                                + i)[0];
                millis.add(first - committed);
            }
            millis.sort(Double::compare);
            System.out.printf(
                    Locale.ROOT,
                    "commit → first new output (rules.poll.interval 500 ms): p50 %.0f ms, p99 %.0f"
                            + " ms, max %.0f ms, all %s%n",
                    EndToEndBenchmark.percentile(millis, 50),
                    EndToEndBenchmark.percentile(millis, 99),
                    millis.get(millis.size() - 1),
                    millis.stream().map(d -> Long.toString(Math.round(d))).toList());
        } finally {
            flowing.set(false);
            if (feeder.isAlive()) {
                feeder.join(10_000);
            }
            EndToEndBenchmark.cancel(job);
        }
    }

    static String withRev(String script, int rev) {
        // The benchmark rule returns a map literal ending in "source : ...": add one column to it.
        int end = script.lastIndexOf(']');
        return script.substring(0, end).stripTrailing() + ",\n    rev: " + rev + "\n]\n";
    }
}
