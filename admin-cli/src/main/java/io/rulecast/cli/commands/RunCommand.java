package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.Inputs;
import io.rulecast.cli.db.Database;
import io.rulecast.job.ConfigException;
import io.rulecast.job.RetainedCheckpoints;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.job.RulecastOptions;
import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Unmatched;

/**
 * {@code rulecast run}: the Rulecast job in an embedded Flink MiniCluster, configured like {@code
 * flink run} (a properties file, then {@code --key value} overrides), until Ctrl-C.
 *
 * <p>Its checkpoints are kept in {@code checkpoint.dir} (by default a directory under {@code
 * ~/.rulecast/checkpoints} named after the job and its events source), and a start resumes from the
 * latest one there — Kafka offsets, {@code ctx.state} and rules as they were — so a run that died
 * ({@code kill -9}, a reboot) continues where it was instead of counting from zero. {@code --fresh}
 * starts without them.
 */
@Command(
        name = "run",
        description = {
            "Run the Rulecast job in an embedded Flink MiniCluster against the configured Kafka and"
                    + " MySQL, until Ctrl-C.",
            "Settings come from --config FILE (the job's properties), then --KEY VALUE arguments"
                    + " (e.g. --kafka.bootstrap.servers 127.0.0.1:9092). rules.jdbc.* default to"
                    + " --jdbc-url/--user/--password.",
            "Checkpoints are kept in checkpoint.dir (default ~/.rulecast/checkpoints/<job.name>-<id"
                    + " of the events source>); a start resumes from the latest one there."
        })
public final class RunCommand extends BaseCommand {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            converter = Inputs.ExistingFile.class,
            description = "Job properties file (SPEC.md \"Job configuration\").")
    Path config;

    @Option(
            names = "--stop-after",
            paramLabel = "SECONDS",
            description = "Cancel the job after this long (default: run until Ctrl-C).")
    Long stopAfterSeconds;

    @Option(
            names = "--fresh",
            description =
                    "Do not resume from the checkpoints in checkpoint.dir: start from the committed"
                            + " Kafka offsets with empty ctx.state (new checkpoints go there as"
                            + " usual).")
    boolean fresh;

    @Mixin ConnectionOptions connection;

    @Unmatched List<String> settings;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = parseSettings();
        Properties file = readConfig();
        String rulesUrl = RulecastOptions.RULES_JDBC_URL.key();
        if (!overrides.containsKey(rulesUrl) && file.getProperty(rulesUrl) == null) {
            overrides.put(rulesUrl, connection.database().url());
            overrides.putIfAbsent(
                    RulecastOptions.RULES_JDBC_USER.key(), connection.database().user());
            overrides.putIfAbsent(
                    RulecastOptions.RULES_JDBC_PASSWORD.key(), connection.database().password());
        }
        boolean restPortSet =
                Stream.of("flink.rest.port", "flink.rest.bind-port")
                        .anyMatch(k -> overrides.containsKey(k) || file.getProperty(k) != null);
        if (!restPortSet) {
            // Flink's own default port when free, for 'rulecast status'; a MiniCluster's REST
            // endpoint otherwise takes a random port.
            overrides.put("flink.rest.bind-port", REST_PORTS);
        }
        String bootstrap = System.getenv("RULECAST_BOOTSTRAP_SERVERS");
        String bootstrapKey = RulecastOptions.KAFKA_BOOTSTRAP_SERVERS.key();
        if (bootstrap != null
                && !overrides.containsKey(bootstrapKey)
                && file.getProperty(bootstrapKey) == null) {
            overrides.put(bootstrapKey, bootstrap);
        }
        RulecastJob job;
        RetainedCheckpoints checkpoints;
        Optional<Path> resume;
        try {
            RulecastConfig cfg = RulecastConfig.load(config, overrides, System.getenv());
            if (cfg.get(RulecastOptions.CHECKPOINT_DIR) == null) {
                cfg = cfg.with(RulecastOptions.CHECKPOINT_DIR.key(), defaultCheckpointDir(cfg));
            }
            checkpoints = new RetainedCheckpoints(cfg.get(RulecastOptions.CHECKPOINT_DIR));
            resume = fresh ? Optional.empty() : checkpoints.latest();
            // The CLI's own check explains an unreachable rules database in one line.
            Database rules =
                    new Database(
                            cfg.get(RulecastOptions.RULES_JDBC_URL),
                            cfg.get(RulecastOptions.RULES_JDBC_USER),
                            cfg.get(RulecastOptions.RULES_JDBC_PASSWORD));
            try (Connection c = rules.connect()) {
                c.isValid(2);
            }
            job = RulecastJob.fromConfig(cfg);
        } catch (ConfigException e) {
            throw CliException.usage(e.getMessage().replaceAll("\\s*\\R\\s*", " "));
        }
        RulecastConfig cfg = job.config();
        if (resume.isPresent()) {
            job.restoreFrom(resume.get().toString());
            // The resumed run writes its own checkpoints from here; earlier runs' are done with.
            checkpoints.deleteAllBut(resume.get());
            out().println("resuming from checkpoint " + resume.get());
        } else if (fresh) {
            out().println(
                            "--fresh: not resuming"
                                    + checkpoints.latest().map(p -> " from " + p).orElse("")
                                    + "; starting from the committed Kafka offsets with empty ctx.state;"
                                    + " checkpoints go to "
                                    + checkpoints.directory());
        } else {
            out().println(
                            "no checkpoint in "
                                    + checkpoints.directory()
                                    + ": starting from the committed Kafka offsets ("
                                    + cfg.get(RulecastOptions.KAFKA_STARTING_OFFSETS)
                                    + " when there are none); checkpoints go there");
        }
        JobClient client;
        try {
            client = job.executeAsync();
        } catch (Exception e) {
            if (resume.isEmpty()) {
                throw e;
            }
            throw CliException.unreachable(
                    "cannot resume from "
                            + resume.get()
                            + ": "
                            + rootMessage(e)
                            + " (rulecast run --fresh starts without it)",
                    e);
        }
        out().println(
                        "rulecast job "
                                + client.getJobID()
                                + " running in an embedded MiniCluster: events from "
                                + cfg.get(RulecastOptions.TOPIC_EVENTS)
                                + " at "
                                + cfg.get(RulecastOptions.KAFKA_BOOTSTRAP_SERVERS)
                                + ", rules from "
                                + JdbcConnectionSpec.maskPassword(
                                        cfg.get(RulecastOptions.RULES_JDBC_URL))
                                + (stopAfterSeconds == null ? " — Ctrl-C to stop" : ""));
        if (!restPortSet) {
            restAddress(client.getJobID().toString())
                    .ifPresent(
                            url ->
                                    out().println(
                                                    "Flink REST API at "
                                                            + url
                                                            + " (rulecast status --flink-rest "
                                                            + url
                                                            + ")"));
        }
        int metricsPort = cfg.get(RulecastOptions.METRICS_PROMETHEUS_PORT);
        if (metricsPort > 0) {
            out().println("metrics for Prometheus at http://localhost:" + metricsPort + "/metrics");
        }
        out().flush();
        Thread stopper = new Thread(() -> cancel(client), "rulecast-run-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            if (stopAfterSeconds == null) {
                client.getJobExecutionResult().get();
            } else {
                try {
                    client.getJobExecutionResult().get(stopAfterSeconds, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    cancel(client);
                    out().println("stopped after " + stopAfterSeconds + " s");
                    return 0;
                }
            }
        } catch (ExecutionException e) {
            throw CliException.unreachable(
                    "the job failed: "
                            + rootMessage(e)
                            + (resume.isPresent()
                                    ? " (it resumed from "
                                            + resume.get()
                                            + "; rulecast run --fresh starts without it)"
                                    : "")
                            + " (run again with --verbose for details)",
                    e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the job
            }
        }
        return 0;
    }

    /**
     * {@code ~/.rulecast/checkpoints/<job.name>-<8 hex digits>}: the digits stand for the events
     * source (brokers, topic, group), so that a run with another source never resumes from this
     * one's offsets.
     */
    static String defaultCheckpointDir(RulecastConfig cfg) {
        String source =
                cfg.get(RulecastOptions.KAFKA_BOOTSTRAP_SERVERS)
                        + "\n"
                        + cfg.get(RulecastOptions.TOPIC_EVENTS)
                        + "\n"
                        + cfg.get(RulecastOptions.KAFKA_GROUP_ID);
        String id;
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(source.getBytes(StandardCharsets.UTF_8));
            id = HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return Path.of(
                        System.getProperty("user.home"),
                        ".rulecast",
                        "checkpoints",
                        cfg.get(RulecastOptions.JOB_NAME) + "-" + id)
                .toString();
    }

    private static void cancel(JobClient client) {
        try {
            client.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already finished, or the cluster is going away with the JVM
        }
    }

    /** {@code --key value} and {@code --key=value} pairs, in order. */
    private Map<String, String> parseSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> args = settings == null ? List.of() : settings;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ParameterException(
                        spec.commandLine(),
                        "unexpected argument '" + a + "': settings are --KEY VALUE pairs");
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                out.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.size()) {
                out.put(a.substring(2), args.get(++i));
            } else {
                throw new ParameterException(spec.commandLine(), "setting " + a + " needs a value");
            }
        }
        return out;
    }

    private Properties readConfig() {
        Properties p = new Properties();
        if (config != null) {
            try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw CliException.usage("cannot read " + config + ": " + e.getMessage());
            }
        }
        return p;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    }

    /** Ports tried, in order, for the embedded cluster's REST endpoint. */
    static final String REST_PORTS = "8081-8099";

    /** The REST address among {@link #REST_PORTS} whose cluster runs {@code jobId}, if any. */
    private static Optional<String> restAddress(String jobId) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int port = 8081; port <= 8099; port++) {
            String url = "http://localhost:" + port;
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(URI.create(url + "/jobs/overview"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains(jobId)) {
                    return Optional.of(url);
                }
            } catch (IOException e) {
                // nothing there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
