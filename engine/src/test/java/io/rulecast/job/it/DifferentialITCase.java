package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.Json;
import io.rulecast.job.dims.DimensionSpec;
import io.rulecast.job.dims.JdbcDimensionLookup;
import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.KeyPath;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same events through replay (the routing core's replay engine) and through the job
 * (MiniCluster, a real broker, MariaDB) give the same outputs: the final rows of every table the
 * rules write (so upserts and deletes), alerts, metrics, and dead letters with their reasons. On
 * the wrongbook example's sample and on generated events whose key path indexes into a list, whose
 * keys are numbers written as {@code 7} and {@code 7.0} (and the string {@code "7"}), some without
 * a key, of event types served by several rules of equal and different priority that share state.
 */
class DifferentialITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(1);

    /** The job's breaker.* defaults, given to replay too. */
    private static final CircuitBreaker.Settings BREAKER =
            new CircuitBreaker.Settings(20, 0.5, Duration.ofSeconds(60), Duration.ofSeconds(30), 3);

    private static final Path WRONGBOOK = Path.of("../scripts-examples/wrongbook");

    @Test
    void theWrongbookSampleGivesTheSameOutputs() throws Exception {
        Map<String, Object> manifest =
                Json.parseObject(Files.readString(WRONGBOOK.resolve("rules/rules.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> jobConfig = (Map<String, Object>) manifest.get("job");
        String keyPath = (String) jobConfig.get("events.key.path");
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            DB.execute("DROP TABLE IF EXISTS dwd_wrongbook_wide, dim_question, dim_student");
            runScript(WRONGBOOK.resolve("schema/dwd_wrongbook_wide.sql"));
            runScript(WRONGBOOK.resolve("schema/dims.sql"));
            jobConfig.forEach((k, v) -> job.set(k, v.toString()));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rules = (List<Map<String, Object>>) manifest.get("rules");
            for (Map<String, Object> r : rules) {
                String file = (String) r.get("file");
                job.rules.insert(
                        (String) r.get("domain"),
                        (String) r.get("event_type"),
                        (String) r.get("rule_name"),
                        file.endsWith(".js") ? "js" : "groovy",
                        Files.readString(WRONGBOOK.resolve("rules").resolve(file)),
                        Json.write(r.get("config_json")),
                        ((Number) r.get("priority")).intValue());
            }
            List<String> events = new ArrayList<>();
            for (String line :
                    Files.readAllLines(
                            WRONGBOOK.resolve("events/sample.jsonl"), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    events.add(line);
                }
            }
            JdbcDimensionLookup dims =
                    new JdbcDimensionLookup(
                            connection(),
                            List.of(
                                    DimensionSpec.of("questions", "dim_question", "question_id"),
                                    DimensionSpec.of("students", "dim_student", "user_id")));
            try {
                compare(
                        job,
                        new Differential(
                                Map.of("dwd_wrongbook_wide", List.of("wrongbook_id")), false),
                        events,
                        keyPath,
                        dims,
                        Set.of("dwd_wrongbook_wide"));
            } finally {
                dims.close();
            }
        }
    }

    @Test
    void generatedEventsWithListKeysNumericKeysMissingKeysAndSeveralRulesPerType()
            throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            GeneratedWorkload.install(job);
            List<String> events = GeneratedWorkload.events(2400);
            job.set("events.key.path", GeneratedWorkload.KEY_PATH);
            job.set("events.unrouted.dead-letter", "true");
            Differential.Outputs o =
                    compare(
                            job,
                            new Differential(GeneratedWorkload.KEYS, true),
                            events,
                            GeneratedWorkload.KEY_PATH,
                            DimensionLookup.NONE,
                            GeneratedWorkload.KEYS.keySet());
            // The workload covers what it claims to, so that equal outputs mean something.
            assertTrue(events.size() >= 2000, "events: " + events.size());
            assertTrue(o.rows().size() > 1000, o.summary());
            assertTrue(o.alerts().size() > 20, o.summary());
            assertTrue(o.metrics().size() > 500, o.summary());
            for (String reason :
                    List.of(
                            "NO_KEY",
                            "NO_RULE",
                            "SCRIPT_ERROR",
                            "BAD_RETURN",
                            "BAD_OUTPUT",
                            "MALFORMED_JSON",
                            "MISSING_FIELD")) {
                assertTrue(
                        o.deadLetters().stream().anyMatch(d -> d.startsWith(reason + " ")),
                        "no dead letter " + reason + ": " + o.summary());
            }
        }
    }

    private static Differential.Outputs compare(
            JobFixture job,
            Differential diff,
            List<String> events,
            String keyPath,
            DimensionLookup dims,
            Set<String> tables)
            throws Exception {
        job.set("sink.tables.allowed", String.join(",", tables));
        job.set("script.timeout", SCRIPT_TIMEOUT.toMillis() + " ms");
        List<RuleDefinition> rules = Differential.rulesOf(DB);
        TableCatalog catalog = new TableCatalog(connection(), tables);
        Differential.Outputs replayed =
                diff.replay(events, rules, keyPath, dims, catalog, BREAKER, SCRIPT_TIMEOUT);

        job.start();
        KeyPath key = new KeyPath(keyPath);
        for (String e : events) {
            job.sendTo(partitionOf(e, key), e);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        Differential.Outputs got = diff.job(job);
        while (!got.equals(replayed) && System.nanoTime() < deadline) {
            JobFixture.sleep(500);
            got = diff.job(job);
        }
        // Nothing more arrives later (a duplicate would).
        JobFixture.sleep(2000);
        got = diff.job(job);
        List<String> differences = new ArrayList<>();
        differences.addAll(differ("dead letters", replayed.deadLetters(), got.deadLetters()));
        differences.addAll(differ("alerts", replayed.alerts(), got.alerts()));
        differences.addAll(differ("metrics", replayed.metrics(), got.metrics()));
        differences.addAll(differ("rows", rowList(replayed), rowList(got)));
        assertEquals(
                List.of(),
                differences,
                "replay gave " + replayed.summary() + ", the job " + got.summary());
        System.out.println("differential: replay and job both gave " + got.summary());
        return got;
    }

    private static List<String> rowList(Differential.Outputs o) {
        List<String> l = new ArrayList<>();
        o.rows().forEach((k, v) -> l.add(k + " " + v));
        return l;
    }

    /** What only one side has, as at most five lines per side. */
    private static List<String> differ(String what, List<String> replay, List<String> job) {
        List<String> onlyReplay = new ArrayList<>(replay);
        List<String> onlyJob = new ArrayList<>();
        for (String j : job) {
            if (!onlyReplay.remove(j)) {
                onlyJob.add(j);
            }
        }
        List<String> out = new ArrayList<>();
        if (!onlyReplay.isEmpty() || !onlyJob.isEmpty()) {
            out.add(
                    what
                            + ": "
                            + onlyReplay.size()
                            + " only in replay, "
                            + onlyJob.size()
                            + " only in the job");
            onlyReplay.stream().limit(5).forEach(l -> out.add("  replay: " + l));
            onlyJob.stream().limit(5).forEach(l -> out.add("  job:    " + l));
        }
        return out;
    }

    /**
     * The events of one state key go to one partition, so the job sees them in the order replay
     * does (without a Kafka key, the job keys them by the key path); events without a key anywhere.
     */
    private static int partitionOf(String event, KeyPath key) {
        try {
            Map<String, Object> m = Json.parseObject(event);
            String k = key.resolve(m);
            return k == null ? 0 : Math.floorMod(k.hashCode(), 2);
        } catch (Exception notJson) {
            return 1;
        }
    }

    private static JdbcConnectionSpec connection() {
        return new JdbcConnectionSpec(DB.jdbcUrl(), DB.user(), DB.password());
    }

    private static void runScript(Path sql) throws Exception {
        String url =
                DB.jdbcUrl() + (DB.jdbcUrl().contains("?") ? "&" : "?") + "allowMultiQueries=true";
        try (Connection c = DriverManager.getConnection(url, DB.user(), DB.password());
                Statement st = c.createStatement()) {
            st.execute(Files.readString(sql, StandardCharsets.UTF_8));
        }
    }
}
