package io.rulecast.cli.demo;

import static io.rulecast.job.RulecastOptions.JOB_NAME;
import static io.rulecast.job.RulecastOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.rulecast.job.RulecastOptions.KAFKA_GROUP_ID;
import static io.rulecast.job.RulecastOptions.KAFKA_STARTING_OFFSETS;
import static io.rulecast.job.RulecastOptions.PARALLELISM;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_PASSWORD;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_URL;
import static io.rulecast.job.RulecastOptions.RULES_JDBC_USER;
import static io.rulecast.job.RulecastOptions.SCRIPT_TIMEOUT;
import static io.rulecast.job.RulecastOptions.TOPIC_ALERTS;
import static io.rulecast.job.RulecastOptions.TOPIC_DLQ;
import static io.rulecast.job.RulecastOptions.TOPIC_EVENTS;
import static io.rulecast.job.RulecastOptions.TOPIC_METRICS;
import static io.rulecast.job.RulecastOptions.TOPIC_SHADOW;

import io.rulecast.cli.CliException;
import io.rulecast.job.ConfigException;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The demo's job step: its topics, and the Rulecast job in an embedded MiniCluster, configured with
 * the same options as {@code rulecast run} on top of the example's own {@code job} settings.
 */
public final class DemoJob {
    /**
     * The first events of a cold JVM (class loading, the engines' warm-up) on a busy machine can
     * exceed the default 100 ms per invocation; the demo shows rules, not that.
     */
    public static final String SCRIPT_TIMEOUT_VALUE = "2 s";

    /** The job's topics, each with a name of the demo's own. */
    public record Topics(String events, String alerts, String metrics, String dlq, String shadow) {
        static Topics withPrefix(String prefix) {
            return new Topics(
                    prefix + "events",
                    prefix + "alerts",
                    prefix + "metrics",
                    prefix + "dlq",
                    prefix + "shadow");
        }

        List<String> all() {
            return List.of(events, alerts, metrics, dlq, shadow);
        }
    }

    public static final Topics TOPICS = Topics.withPrefix("rulecast.demo.");

    private DemoJob() {}

    /** The example's job settings, then the demo's broker, topics and database. */
    static Map<String, String> settings(
            Map<String, String> exampleJob, String bootstrap, DemoDatabase.Db db, Topics t) {
        Map<String, String> s = new LinkedHashMap<>(exampleJob);
        put(s, KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        put(s, KAFKA_GROUP_ID, "rulecast-demo");
        put(s, KAFKA_STARTING_OFFSETS, "earliest");
        put(s, TOPIC_EVENTS, t.events());
        put(s, TOPIC_ALERTS, t.alerts());
        put(s, TOPIC_METRICS, t.metrics());
        put(s, TOPIC_DLQ, t.dlq());
        put(s, TOPIC_SHADOW, t.shadow());
        put(s, RULES_JDBC_URL, db.url());
        put(s, RULES_JDBC_USER, db.user());
        put(s, RULES_JDBC_PASSWORD, db.password());
        put(s, PARALLELISM, "1");
        put(s, JOB_NAME, "rulecast-demo");
        put(s, SCRIPT_TIMEOUT, SCRIPT_TIMEOUT_VALUE);
        return s;
    }

    private static void put(Map<String, String> s, ConfigOption<?> option, String value) {
        s.put(option.key(), value);
    }

    static void createTopics(String bootstrap, Topics topics) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(
                            topics.all().stream().map(n -> new NewTopic(n, 1, (short) 1)).toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts the job (registered with {@code env}, so that it is cancelled before the broker and
     * the database stop) and waits until it runs.
     */
    public static JobClient start(
            DemoEnvironment env, Map<String, String> settings, Duration timeout) throws Exception {
        JobClient client;
        try {
            // The environment's passwords are not read: the demo runs on its own database only.
            RulecastConfig config = RulecastConfig.load(null, settings, Map.of());
            client = RulecastJob.fromConfig(config).executeAsync();
        } catch (ConfigException e) {
            throw CliException.unreachable(
                    "the job cannot start: " + DemoConsole.firstLine(e.getMessage()), e);
        }
        env.jobStarted(client);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (client.getJobStatus().get(30, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            JobStatus status = client.getJobStatus().get(30, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw CliException.unreachable(
                        "the job did not start running (it is " + status + ")", null);
            }
            Thread.sleep(100);
        }
        return client;
    }

    /** Blocks until the job ends: on Ctrl-C quietly, otherwise as a failed check. */
    static void awaitEnd(DemoEnvironment env, JobClient job) throws InterruptedException {
        try {
            job.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            if (env.isClosed()) {
                return; // Ctrl-C: the shutdown hook cancelled the job and is stopping the rest
            }
            throw CliException.failedCheck(
                    "the job stopped: " + DemoConsole.firstLine(e.getMessage()));
        }
    }
}
