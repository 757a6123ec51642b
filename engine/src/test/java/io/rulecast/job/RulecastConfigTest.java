package io.rulecast.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulecastConfigTest {
    private static final String URL = "jdbc:mysql://127.0.0.1:3306/rules";

    @TempDir Path dir;

    @Test
    void specKeysHaveTheSpecDefaults() {
        RulecastConfig c = RulecastConfig.of(Map.of("rules.jdbc.url", URL));
        assertEquals("127.0.0.1:9092", c.get(RulecastOptions.KAFKA_BOOTSTRAP_SERVERS));
        assertEquals("rulecast", c.get(RulecastOptions.KAFKA_GROUP_ID));
        assertEquals("rulecast.events", c.get(RulecastOptions.TOPIC_EVENTS));
        assertEquals("rulecast.alerts", c.get(RulecastOptions.TOPIC_ALERTS));
        assertEquals("rulecast.metrics", c.get(RulecastOptions.TOPIC_METRICS));
        assertEquals("rulecast.dlq", c.get(RulecastOptions.TOPIC_DLQ));
        assertEquals(Duration.ofMillis(500), c.get(RulecastOptions.RULES_POLL_INTERVAL));
        assertEquals("eventId", c.get(RulecastOptions.EVENTS_KEY_PATH));
        assertEquals(Duration.ofMillis(100), c.get(RulecastOptions.SCRIPT_TIMEOUT));
        assertEquals(MemorySize.parse("64 mb"), c.get(RulecastOptions.SCRIPT_MEMORY_LIMIT));
        assertEquals(1000, c.get(RulecastOptions.SCRIPT_OUTPUT_LIMIT));
        assertEquals(Duration.ofDays(7), c.get(RulecastOptions.STATE_TTL));
        assertEquals(1, c.get(RulecastOptions.PARALLELISM));
        assertEquals(Duration.ofSeconds(10), c.get(RulecastOptions.CHECKPOINT_INTERVAL));
        assertEquals(List.of(), c.allowedTables());
        assertEquals(URL, c.sinkJdbcUrl());
    }

    @Test
    void everySpecKeyIsAnOption() {
        Set<String> keys = new java.util.HashSet<>();
        RulecastOptions.ALL.forEach(o -> keys.add(o.key()));
        for (String k :
                List.of(
                        "kafka.bootstrap.servers",
                        "kafka.group.id",
                        "topic.events",
                        "topic.alerts",
                        "topic.metrics",
                        "topic.dlq",
                        "rules.jdbc.url",
                        "rules.jdbc.user",
                        "rules.jdbc.password",
                        "rules.poll.interval",
                        "sink.jdbc.url",
                        "sink.jdbc.user",
                        "sink.jdbc.password",
                        "sink.tables.allowed",
                        "events.key.path",
                        "script.timeout",
                        "script.memory.limit",
                        "script.output.limit",
                        "state.ttl",
                        "parallelism",
                        "checkpoint.interval",
                        "metrics.prometheus.port")) {
            assertTrue(keys.contains(k), k);
        }
        assertEquals(9249, RulecastOptions.METRICS_PROMETHEUS_PORT.defaultValue());
        assertEquals("dims.user.ttl", RulecastOptions.dimTtl("user").key());
        assertEquals(Duration.ofMinutes(10), RulecastOptions.dimTtl("user").defaultValue());
        assertEquals(100_000L, RulecastOptions.dimMaxEntries("user").defaultValue());
    }

    @Test
    void argumentsOverrideTheFileAndEnvironmentSuppliesSecrets() throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(
                file,
                "rules.jdbc.url="
                        + URL
                        + "\nrules.poll.interval=2 s\nstate.ttl = 1 d\nsink.tables.allowed=a, b,c\n"
                        + "rules.jdbc.password=from-file\n",
                StandardCharsets.UTF_8);
        RulecastConfig c =
                RulecastConfig.fromArgs(
                        new String[] {
                            "--config",
                            file.toString(),
                            "--rules.poll.interval",
                            "250 ms",
                            "--script.memory.limit=16 mb"
                        },
                        Map.of("RULECAST_RULES_DB_PASSWORD", "secret"));
        assertEquals(Duration.ofMillis(250), c.get(RulecastOptions.RULES_POLL_INTERVAL));
        assertEquals(Duration.ofDays(1), c.get(RulecastOptions.STATE_TTL));
        assertEquals(MemorySize.parse("16 mb"), c.get(RulecastOptions.SCRIPT_MEMORY_LIMIT));
        assertEquals(List.of("a", "b", "c"), c.allowedTables());
        assertEquals("secret", c.get(RulecastOptions.RULES_JDBC_PASSWORD));
        // The sink falls back to the rules' connection, secret included.
        assertEquals("secret", c.sinkJdbcPassword());
        assertFalse(c.toString().contains("secret"));
    }

    @Test
    void sinkPasswordComesFromItsOwnVariable() {
        RulecastConfig c =
                RulecastConfig.load(
                        null,
                        Map.of("rules.jdbc.url", URL, "sink.jdbc.url", "jdbc:mysql://other/db"),
                        Map.of("RULECAST_SINK_DB_PASSWORD", "sinkpw"));
        assertEquals("sinkpw", c.sinkJdbcPassword());
        assertNull(c.get(RulecastOptions.RULES_JDBC_PASSWORD));
        assertEquals("jdbc:mysql://other/db", c.sinkJdbcUrl());
    }

    @Test
    void missingRulesUrlNamesTheKeyAndTheFix() {
        ConfigException e = assertThrows(ConfigException.class, () -> RulecastConfig.of(Map.of()));
        assertEquals(
                "missing rules.jdbc.url: set it in the properties file or pass --rules.jdbc.url"
                        + " <value>",
                e.getMessage());
    }

    @Test
    void badDurationNamesTheKeyAndTheForm() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                RulecastConfig.of(
                                        Map.of("rules.jdbc.url", URL, "script.timeout", "fast")));
        assertTrue(
                e.getMessage()
                        .startsWith("bad value 'fast' for script.timeout: expected a duration"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("pass --script.timeout <value>"), e.getMessage());
    }

    @Test
    void badSizeAndNumbersAreRefused() {
        assertThrows(
                ConfigException.class,
                () ->
                        RulecastConfig.of(
                                Map.of("rules.jdbc.url", URL, "script.memory.limit", "lots")));
        assertThrows(
                ConfigException.class,
                () -> RulecastConfig.of(Map.of("rules.jdbc.url", URL, "parallelism", "0")));
        assertThrows(
                ConfigException.class,
                () ->
                        RulecastConfig.of(
                                Map.of("rules.jdbc.url", URL, "breaker.failure-rate", "2")));
        assertThrows(
                ConfigException.class,
                () -> RulecastConfig.of(Map.of("rules.jdbc.url", "mysql://x")));
        assertThrows(
                ConfigException.class,
                () ->
                        RulecastConfig.of(
                                Map.of("rules.jdbc.url", URL, "sink.tables.allowed", "a;drop")));
    }

    @Test
    void unknownKeySuggestsTheNearestOne() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                RulecastConfig.of(
                                        Map.of(
                                                "rules.jdbc.url",
                                                URL,
                                                "rules.pol.interval",
                                                "1 s")));
        assertEquals(
                "unknown key rules.pol.interval: did you mean rules.poll.interval?",
                e.getMessage());
    }

    @Test
    void dimensionGroupsNeedTableAndKeyColumn() {
        RulecastConfig c =
                RulecastConfig.of(
                        Map.of(
                                "rules.jdbc.url", URL,
                                "dims.user.table", "dim_user",
                                "dims.user.key-column", "user_id",
                                "dims.user.ttl", "1 min"));
        assertEquals(Set.of("user"), c.dimensionNames());
        assertEquals(Duration.ofMinutes(1), c.get(RulecastOptions.dimTtl("user")));
        assertEquals(100_000L, c.get(RulecastOptions.dimMaxEntries("user")));

        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                RulecastConfig.of(
                                        Map.of("rules.jdbc.url", URL, "dims.user.table", "t")));
        assertTrue(e.getMessage().startsWith("missing dims.user.key-column"), e.getMessage());
        assertThrows(
                ConfigException.class,
                () -> RulecastConfig.of(Map.of("rules.jdbc.url", URL, "dims.user.tabel", "t")));
    }

    @Test
    void dimensionPreloadIsOffByDefaultAndMustBeABoolean() {
        Map<String, String> base =
                Map.of(
                        "rules.jdbc.url", URL,
                        "dims.user.table", "dim_user",
                        "dims.user.key-column", "user_id");
        assertEquals(false, RulecastConfig.of(base).get(RulecastOptions.dimPreload("user")));
        Map<String, String> on = new java.util.HashMap<>(base);
        on.put("dims.user.preload", "true");
        assertEquals(true, RulecastConfig.of(on).get(RulecastOptions.dimPreload("user")));
        on.put("dims.user.preload", "sometimes");
        ConfigException e = assertThrows(ConfigException.class, () -> RulecastConfig.of(on));
        assertTrue(e.getMessage().contains("dims.user.preload"), e.getMessage());
    }

    /** dims.jdbc.* and dims.outage.max-wait configure every dimension; they are no group. */
    @Test
    void dimensionDatabaseAndOutageBoundAreNotDimensionGroups() {
        RulecastConfig c =
                RulecastConfig.of(
                        Map.of(
                                "rules.jdbc.url", URL,
                                "sink.jdbc.url", "jdbc:mysql://sink:3306/w",
                                "dims.jdbc.url", "jdbc:mysql://dims:3306/d",
                                "dims.outage.max-wait", "5 s",
                                "dims.user.table", "dim_user",
                                "dims.user.key-column", "user_id"));
        assertEquals(Set.of("user"), c.dimensionNames());
        assertTrue(c.dimensionDatabase().url().startsWith("jdbc:mysql://dims:3306/d"));
        assertEquals(Duration.ofSeconds(5), c.get(RulecastOptions.DIMS_OUTAGE_MAX_WAIT));

        RulecastConfig defaults = RulecastConfig.of(Map.of("rules.jdbc.url", URL));
        assertEquals(defaults.sinkDatabase().url(), defaults.dimensionDatabase().url());
        assertEquals(Duration.ofSeconds(60), defaults.get(RulecastOptions.DIMS_OUTAGE_MAX_WAIT));
        assertThrows(
                ConfigException.class,
                () ->
                        RulecastConfig.of(
                                Map.of("rules.jdbc.url", URL, "dims.outage.max-wait", "0 s")));
    }

    @Test
    void passThroughPrefixesReachKafkaAndFlink() {
        RulecastConfig c =
                RulecastConfig.of(
                        Map.of(
                                "rules.jdbc.url", URL,
                                "kafka.properties.security.protocol", "SSL",
                                "flink.state.checkpoints.dir", "file:///tmp/ckpt"));
        assertEquals("SSL", c.kafkaProperties().getProperty("security.protocol"));
        assertEquals(
                "file:///tmp/ckpt", c.flinkConfiguration().toMap().get("state.checkpoints.dir"));
    }

    @Test
    void argumentWithoutValueIsExplained() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> RulecastConfig.fromArgs(new String[] {"--state.ttl"}, Map.of()));
        assertEquals("--state.ttl has no value: pass it as --state.ttl <value>", e.getMessage());
        assertThrows(
                ConfigException.class,
                () -> RulecastConfig.fromArgs(new String[] {"state.ttl", "1 d"}, Map.of()));
        ConfigException noFile =
                assertThrows(
                        ConfigException.class,
                        () ->
                                RulecastConfig.fromArgs(
                                        new String[] {"--config", dir.resolve("nope").toString()},
                                        Map.of()));
        assertTrue(noFile.getMessage().contains("does not exist"), noFile.getMessage());
    }

    @Test
    void passwordsInUrlsAndKafkaSecretsAreMaskedWhereverTheConfigurationIsShown() {
        RulecastConfig c =
                RulecastConfig.of(
                        Map.of(
                                "rules.jdbc.url",
                                "jdbc:mysql://reader:pw-in-authority@db:3306/rules",
                                "sink.jdbc.url",
                                "jdbc:mysql://db:3306/dw?user=w&password=pw-in-query&useSSL=true",
                                "kafka.properties.sasl.oauthbearer.client.secret",
                                "client-secret",
                                "kafka.properties.ssl.key.password",
                                "key-password",
                                "kafka.properties.ssl.keystore.key",
                                "private-key",
                                "kafka.properties.security.protocol",
                                "SASL_SSL"));
        String shown = c.toString();
        for (String secret :
                List.of(
                        "pw-in-authority",
                        "pw-in-query",
                        "client-secret",
                        "key-password",
                        "private-key")) {
            assertFalse(shown.contains(secret), secret + " shown in: " + shown);
        }
        assertTrue(shown.contains("jdbc:mysql://reader:***@db:3306/rules"), shown);
        assertTrue(shown.contains("?user=w&password=***&useSSL=true"), shown);
        assertTrue(shown.contains("kafka.properties.security.protocol=SASL_SSL"), shown);
        assertFalse(c.rulesDatabase().toString().contains("pw-in-authority"));
        assertFalse(c.sinkDatabase().toString().contains("pw-in-query"));
        // The connection itself still gets the real URL.
        assertEquals("jdbc:mysql://reader:pw-in-authority@db:3306/rules", c.rulesDatabase().url());

        ConfigException bad =
                assertThrows(
                        ConfigException.class,
                        () ->
                                RulecastConfig.of(
                                        Map.of("rules.jdbc.url", "mysql://u:hunter2@db/rules")));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
    }

    @Test
    void everyJdbcConnectionGetsTheConfiguredTimeouts() {
        RulecastConfig defaults = RulecastConfig.of(Map.of("rules.jdbc.url", URL));
        assertEquals(Duration.ofSeconds(10), defaults.rulesDatabase().connectTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.sinkDatabase().socketTimeout());
        RulecastConfig c =
                RulecastConfig.of(
                        Map.of(
                                "rules.jdbc.url", URL,
                                "sink.jdbc.url", "jdbc:mysql://sink:3306/dw",
                                "jdbc.connect.timeout", "2 s",
                                "jdbc.socket.timeout", "5 s"));
        for (var spec : List.of(c.rulesDatabase(), c.sinkDatabase())) {
            assertEquals(Duration.ofSeconds(2), spec.connectTimeout());
            assertEquals(Duration.ofSeconds(5), spec.socketTimeout());
        }
        assertEquals("jdbc:mysql://sink:3306/dw", c.sinkDatabase().url());
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                RulecastConfig.of(
                                        Map.of(
                                                "rules.jdbc.url",
                                                URL,
                                                "jdbc.socket.timeout",
                                                "0 s")));
        assertTrue(e.getMessage().contains("jdbc.socket.timeout"), e.getMessage());
    }
}
