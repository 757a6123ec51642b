package io.rulecast.cli.demo;

import io.rulecast.broker.KafkaBroker;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;

/**
 * The demo, step by step, in the order {@code rulecast demo} calls them: broker, database (with
 * migrations and the example's tables), rules, job, the sample events and what the job made of
 * them, the hot update, a shadow rollout and its promotion, the rule's history. Each step prints
 * its numbered line when it is done; what later steps need (the broker, the database, the job) is
 * kept here.
 */
public final class DemoSteps {
    /** Numbered lines the demo prints. */
    public static final int COUNT = 10;

    /** Where the demo's data stayed, for its last line. */
    public record Result(boolean embedded, String server) {}

    private final DemoConsole console;
    private final DemoEnvironment env;
    private final WrongbookExample example;
    private final Duration timeout;
    private KafkaBroker broker;
    private DemoDatabase.Db db;
    private Connection conn;
    private JobClient job;
    private JobOutputs outputs;

    public DemoSteps(
            DemoConsole console, DemoEnvironment env, WrongbookExample example, Duration timeout) {
        this.console = console;
        this.env = env;
        this.example = example;
        this.timeout = timeout;
    }

    /** [1] A Kafka broker in a child JVM. */
    public KafkaBroker broker() {
        broker = env.startBroker();
        console.step(
                "Kafka broker up at "
                        + broker.bootstrapServers()
                        + " (pid "
                        + broker.pid()
                        + ", a child JVM)");
        return broker;
    }

    /** [2-4] The database, Rulecast's schema, the example's wide table and dimensions. */
    public void database(
            String server, String user, String password, String name, boolean embeddedOnly)
            throws Exception {
        db = DemoDatabase.open(env, server, user, password, name, embeddedOnly, timeout);
        console.step(db.description());
        conn = env.register(db.connect());
        List<String> migrate = new ArrayList<>(List.of("db", "migrate"));
        migrate.addAll(db.cliArgs());
        console.step("Schema migrated: " + CliCalls.run(migrate.toArray(String[]::new)).get(0));
        console.step(DemoDatabase.loadTables(db, example));
    }

    /** [5] The example's rules, pushed with {@code rulecast push}. */
    public void rules() throws Exception {
        List<String> pushed = DemoRules.push(example, db, env.workDir());
        console.step("Rules pushed with 'rulecast push' (" + pushed.size() + " routing rows)");
        pushed.forEach(console::detail);
    }

    /** [6] The topics, and the job in an embedded MiniCluster. */
    public void job(KafkaBroker broker) throws Exception {
        DemoJob.Topics topics = DemoJob.TOPICS;
        DemoJob.createTopics(broker.bootstrapServers(), topics);
        job =
                DemoJob.start(
                        env,
                        DemoJob.settings(
                                example.manifest().job(), broker.bootstrapServers(), db, topics),
                        timeout);
        console.step(
                "Flink job "
                        + job.getJobID()
                        + " running in an embedded MiniCluster, reading "
                        + topics.events()
                        + " (script.timeout "
                        + DemoJob.SCRIPT_TIMEOUT_VALUE
                        + ")");
        outputs = new JobOutputs(env, conn, broker.bootstrapServers(), topics);
    }

    /** [7] The events streamed, and the wide table, alerts and dead letters the job made. */
    public void sample(Path eventsFile, String eventsLabel) throws Exception {
        SampleStream.run(
                console,
                example,
                eventsFile,
                eventsLabel,
                broker.bootstrapServers(),
                DemoJob.TOPICS,
                outputs,
                timeout);
    }

    /** [8] A rule changed with a plain SQL UPDATE, live while events keep coming. */
    public void hotUpdate() throws Exception {
        new HotUpdate(
                        console,
                        env,
                        conn,
                        outputs,
                        broker.bootstrapServers(),
                        DemoJob.TOPICS.events())
                .run(timeout);
    }

    /** [9] A candidate in shadow, its differing events, then promoted. */
    public void rollout() throws Exception {
        new ShadowRollout(
                        console,
                        env,
                        conn,
                        outputs,
                        broker.bootstrapServers(),
                        DemoJob.TOPICS,
                        db.cliArgs())
                .run(timeout);
    }

    /** [10] The changed rule's history, as {@code rulecast history} shows it. */
    public void history() {
        console.step("History of " + HotUpdate.ruleName() + " ('rulecast history')");
        List<String> args = new ArrayList<>(List.of("history", HotUpdate.DOMAIN, HotUpdate.TYPE));
        args.addAll(db.cliArgs());
        CliCalls.run(args.toArray(String[]::new)).forEach(console::detail);
    }

    /** Leaves everything running until Ctrl-C, with the addresses to try it. */
    public void keepRunning() throws InterruptedException {
        console.blank();
        console.line("Still running — Ctrl-C stops everything:");
        console.detail(
                "Kafka     "
                        + broker.bootstrapServers()
                        + ", events topic "
                        + DemoJob.TOPICS.events());
        console.detail("Database  " + db.url() + " (user " + db.user() + ")");
        console.detail(
                "Try       bin/rulecast produce --bootstrap-servers "
                        + broker.bootstrapServers()
                        + " --topic "
                        + DemoJob.TOPICS.events()
                        + " --key-path payload.userId FILE.jsonl");
        DemoJob.awaitEnd(env, job);
    }

    public Result result() {
        return new Result(db.embedded(), db.server());
    }
}
