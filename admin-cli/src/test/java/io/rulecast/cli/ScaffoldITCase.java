package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.cli.scaffold.DomainSpec;
import io.rulecast.cli.scaffold.SpecReader;
import io.rulecast.cli.scaffold.SqlType;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A domain from spec to live rows: {@code rulecast scaffold} of the shop spec (three event types,
 * two dimension tables), its DDL applied to MariaDB, its rules pushed by {@code rulecast test
 * --push}, the job running in a MiniCluster on a real broker, the folder's sample events streamed
 * with {@code rulecast produce} — and the wide table equal to what the golden replay implies (the
 * last value of each column of each row after the upserts in order), the broken events in the
 * dead-letter topic. Then {@code rulecast test} fails once one golden line is edited.
 */
class ScaffoldITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration PROCESSING = Duration.ofSeconds(120);

    @TempDir Path tmp;

    private static String[] withDb(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "--jdbc-url",
                        DB.jdbcUrl(),
                        "--user",
                        DB.user(),
                        "--password=" + DB.password()));
        return all.toArray(String[]::new);
    }

    @Test
    void aScaffoldedDomainGoesLiveAndFillsTheWideTableAsItsGoldenReplaySays() throws Exception {
        Path spec = Path.of(getClass().getResource("/scaffold/shop.spec.json").toURI());
        Path dir = tmp.resolve("shop");
        CliRun scaffold = CliRun.of("scaffold", spec.toString(), "--out", dir.toString());
        assertEquals(0, scaffold.exitCode(), scaffold.toString());
        DomainSpec domain = SpecReader.read(Files.readString(spec));

        assertEquals(0, CliRun.of(withDb("db", "migrate")).exitCode());
        applySql(dir.resolve("schema/dwd_order_wide.sql"), dir.resolve("schema/dims.sql"));
        CliRun push = CliRun.of(withDb("test", dir.toString(), "--push"));
        assertEquals(0, push.exitCode(), push.toString());
        assertEquals(
                3,
                push.outLines().stream().filter(l -> l.startsWith("created shop/")).count(),
                push.toString());

        String events = KAFKA.createTopic("shop-events", 2);
        String dlq = KAFKA.createTopic("shop-dlq");
        Map<String, String> settings = jobSettings(dir.resolve("job.properties"));
        settings.put("kafka.bootstrap.servers", KAFKA.bootstrapServers());
        settings.put("kafka.group.id", "it-" + UUID.randomUUID());
        settings.put("kafka.starting.offsets", "earliest");
        settings.put("topic.events", events);
        settings.put("topic.alerts", KAFKA.createTopic("shop-alerts"));
        settings.put("topic.metrics", KAFKA.createTopic("shop-metrics"));
        settings.put("topic.dlq", dlq);
        settings.put("rules.jdbc.url", DB.jdbcUrl());
        settings.put("rules.jdbc.user", DB.user());
        settings.put("rules.jdbc.password", DB.password());
        settings.put("parallelism", "2");
        settings.put("sink.flush.interval", "100 ms");
        // A cold JVM's first invocations on a shared machine must not be what this test measures.
        settings.put("script.timeout", "5 s");

        Map<String, Map<String, JsonNode>> expected =
                finalRows(dir.resolve("expected/sample.replay.jsonl"), domain);
        long deadLetters =
                ScaffoldCommandTest.jsonLines(dir.resolve("expected/sample.replay.jsonl")).stream()
                        .filter(l -> Set.of("failure", "rejected").contains(l.get("kind").asText()))
                        .count();
        JobClient job = RulecastJob.fromConfig(RulecastConfig.of(settings)).executeAsync();
        try {
            CliRun produce =
                    CliRun.of(
                            "produce",
                            "--topic",
                            events,
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--key-path",
                            domain.keyPath(),
                            dir.resolve("events/sample.jsonl").toString());
            assertEquals(0, produce.exitCode(), produce.toString());

            List<String> differences = List.of("nothing read yet");
            long deadline = System.nanoTime() + PROCESSING.toNanos();
            while (!differences.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                differences = compare(expected, readTable(domain), domain);
            }
            assertEquals(List.of(), differences, "the wide table differs from the golden replay");
            assertEquals(deadLetters, countRecords(dlq, deadLetters), "dead letters");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            try {
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException cancelled) {
                // cancelled: the MiniCluster has shut down
            }
        }

        CliRun test = CliRun.of("test", dir.toString());
        assertEquals(0, test.exitCode(), test.toString());
        Path golden = dir.resolve("expected/sample.replay.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(golden));
        lines.set(0, lines.get(0).replaceFirst("\"eventId\":\"e-", "\"eventId\":\"x-"));
        Files.write(golden, lines);
        CliRun edited = CliRun.of("test", dir.toString());
        assertEquals(1, edited.exitCode(), edited.toString());
        assertTrue(
                edited.out().contains("FAIL events/sample.jsonl: 1 line differs"),
                edited.toString());
    }

    /** The scripts run as whole files, as a user's mysql client would run them. */
    private static void applySql(Path... files) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                DB.jdbcUrl() + "&allowMultiQueries=true",
                                DB.user(),
                                DB.password());
                Statement s = c.createStatement()) {
            for (Path f : files) {
                s.execute(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
    }

    private static Map<String, String> jobSettings(Path file) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** Each row's columns after applying the golden upserts in order: the last value wins. */
    private static Map<String, Map<String, JsonNode>> finalRows(Path golden, DomainSpec spec)
            throws Exception {
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        for (JsonNode l : ScaffoldCommandTest.jsonLines(golden)) {
            if (l.get("kind").asText().equals("upsert")) {
                JsonNode row = l.get("row");
                String key = key(spec, c -> row.get(c).asText());
                Map<String, JsonNode> merged = rows.computeIfAbsent(key, k -> new TreeMap<>());
                row.fields().forEachRemaining(e -> merged.put(e.getKey(), e.getValue()));
            }
        }
        return rows;
    }

    private static String key(DomainSpec spec, java.util.function.Function<String, String> value) {
        return String.join("|", spec.wideTable().primaryKey().stream().map(value).toList());
    }

    private static List<Map<String, Object>> readTable(DomainSpec spec) {
        try {
            return DB.query("SELECT * FROM `" + spec.wideTable().name() + "`");
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    /** One line per difference between the table and the expected rows, compared by column type. */
    private static List<String> compare(
            Map<String, Map<String, JsonNode>> expected,
            List<Map<String, Object>> table,
            DomainSpec spec) {
        List<String> out = new ArrayList<>();
        Map<String, Map<String, Object>> actual = new TreeMap<>();
        for (Map<String, Object> r : table) {
            actual.put(key(spec, c -> String.valueOf(r.get(c))), r);
        }
        if (!actual.keySet().equals(expected.keySet())) {
            out.add("rows " + actual.keySet() + ", expected " + expected.keySet());
            return out;
        }
        for (Map.Entry<String, Map<String, JsonNode>> e : expected.entrySet()) {
            Map<String, Object> row = actual.get(e.getKey());
            for (DomainSpec.Column c : spec.wideTable().columns()) {
                JsonNode want = e.getValue().get(c.name());
                Object got = row.get(c.name());
                if (!same(c.type(), want, got)) {
                    out.add(e.getKey() + "." + c.name() + ": " + got + ", expected " + want);
                }
            }
        }
        return out;
    }

    private static boolean same(SqlType type, JsonNode want, Object got) {
        if (want == null || want.isNull()) {
            return got == null;
        }
        if (got == null) {
            return false;
        }
        return switch (type.kind()) {
            case INTEGER, FLOAT ->
                    want.decimalValue().compareTo(new BigDecimal(got.toString())) == 0;
            case DECIMAL ->
                    want.decimalValue()
                                    .setScale(type.scale(), RoundingMode.HALF_UP)
                                    .compareTo((BigDecimal) got)
                            == 0;
            case BOOLEAN ->
                    want.asBoolean()
                            == (got instanceof Boolean b ? b : ((Number) got).intValue() != 0);
            case DATETIME ->
                    want.asText()
                            .equals(
                                    (got instanceof java.sql.Timestamp t
                                                    ? t.toLocalDateTime()
                                                    : (LocalDateTime) got)
                                            .format(
                                                    DateTimeFormatter.ofPattern(
                                                            "yyyy-MM-dd HH:mm:ss")));
            case DATE ->
                    want.asText().equals(got.toString()); // java.sql.Date or LocalDate: yyyy-MM-dd
            default -> want.asText().equals(got.toString());
        };
    }

    /** Reads the topic until {@code expected} records arrived or 30 s passed; returns how many. */
    private static long countRecords(String topic, long expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-count-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long count = 0;
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (count < expected && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            // a little longer: more than expected is a failure too
            count += consumer.poll(Duration.ofSeconds(2)).count();
        }
        return count;
    }
}
