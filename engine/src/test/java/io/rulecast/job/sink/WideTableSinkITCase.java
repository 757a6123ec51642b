package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.Json;
import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.sink.TableWrite.Kind;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.MariaDbExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The wide-table sink in a MiniCluster at parallelism 2, writing to a real MariaDB. */
class WideTableSinkITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Set<String> ALLOWED = Set.of("dwd_wide", "daily");

    @BeforeAll
    static void tables() {
        DB.execute(
                "CREATE TABLE dwd_wide (id BIGINT PRIMARY KEY, user_id VARCHAR(16),"
                        + " score DECIMAL(8,2), subject VARCHAR(32), tags TEXT, mastered TINYINT(1),"
                        + " untouched VARCHAR(8) DEFAULT 'keep')",
                "CREATE TABLE daily (user_id VARCHAR(16), day DATE, n INT,"
                        + " PRIMARY KEY (user_id, day))",
                "CREATE TABLE secret (id BIGINT PRIMARY KEY, v VARCHAR(16))");
    }

    private static JdbcConnectionSpec spec() {
        return new JdbcConnectionSpec(DB.jdbcUrl(), DB.user(), DB.password());
    }

    private static TableWrite write(Kind kind, String table, Object... kv) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            row.put((String) kv[i], kv[i + 1]);
        }
        return new TableWrite(kind, table, row, "wrongbook/add/main", "v1", "e-" + kv[1], 0L);
    }

    /** Runs the writes through the sink; returns the dead letters of those it refused. */
    private static List<OutputMessage> run(List<TableWrite> writes) throws Exception {
        return run(writes, 1);
    }

    /** As {@link #run(List)}, each sink subtask writing over {@code connections} connections. */
    private static List<OutputMessage> run(List<TableWrite> writes, int connections)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        TableCatalog catalog = new TableCatalog(spec(), ALLOWED);
        WideTableSink sink =
                WideTableSink.builder()
                        .connection(spec())
                        .allowedTables(ALLOWED)
                        .batchSize(37)
                        .connections(connections)
                        .flushInterval(Duration.ofMillis(50))
                        .deadLetterTopic("dlq")
                        .build();
        List<OutputMessage> dead = new ArrayList<>();
        try (CloseableIterator<OutputMessage> it =
                sink.attach(
                                env.fromData(writes).returns(TableWrite.class),
                                TableWriteKeySelector.resolvePrimaryKeys(catalog))
                        .executeAndCollect("wide-table sink test")) {
            it.forEachRemaining(dead::add);
        }
        return dead;
    }

    /** Event id → dead-letter reason, every one at stage sink. */
    private static Map<String, String> reasons(List<OutputMessage> dead) {
        Map<String, String> out = new TreeMap<>();
        for (OutputMessage m : dead) {
            assertEquals("dlq", m.topic());
            assertEquals("sink", m.headers().get(Messages.HEADER_STAGE), m.headers().toString());
            out.put(
                    m.headers().get(Messages.HEADER_EVENT_ID),
                    m.headers().get(Messages.HEADER_REASON));
        }
        return out;
    }

    /** The writes the sink refuses, by event id, and the reason each dead letter carries. */
    private static final Map<String, String> REFUSED =
            Map.of(
                    "e-1", DeadLetterReason.BAD_OUTPUT.name(),
                    "e-2000", DeadLetterReason.BAD_OUTPUT.name(),
                    "e-2001", DeadLetterReason.BAD_OUTPUT.name(),
                    "e-u1", DeadLetterReason.BAD_OUTPUT.name(),
                    "e-3000", DeadLetterReason.SINK_REFUSED.name());

    /** The writes of two event types, deletes, and writes the sink must refuse. */
    private static List<TableWrite> workload() {
        List<TableWrite> writes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // "wrongbook_add" fills who and what; "wrongbook_fix" fills the outcome.
            writes.add(
                    write(
                            Kind.UPSERT,
                            "dwd_wide",
                            "id",
                            i,
                            "user_id",
                            "u" + (i % 7),
                            "subject",
                            i % 2 == 0 ? "math" : "语文"));
            if (i >= 3) {
                int fixed = i - 3;
                writes.add(
                        write(
                                Kind.UPSERT,
                                "dwd_wide",
                                "id",
                                (long) fixed,
                                "score",
                                new BigDecimal(fixed + ".25"),
                                "mastered",
                                fixed % 3 == 0,
                                "tags",
                                List.of("t" + fixed, Map.of("k", fixed))));
            }
            if (i % 50 == 49) {
                writes.add(write(Kind.DELETE, "dwd_wide", "id", String.valueOf(i - 10)));
            }
            writes.add(
                    write(
                            Kind.UPSERT,
                            "daily",
                            "user_id",
                            "u" + (i % 7),
                            "day",
                            "2024-05-0" + (1 + i % 3),
                            "n",
                            i));
        }
        // One row upserted, deleted and upserted again: ends with only the last upsert's columns.
        writes.add(write(Kind.UPSERT, "dwd_wide", "id", 1000, "user_id", "first", "subject", "x"));
        writes.add(write(Kind.DELETE, "dwd_wide", "id", 1000));
        writes.add(write(Kind.UPSERT, "dwd_wide", "id", 1000L, "score", 1));
        // The same, with the re-insert shaped like the first upsert: batching them together
        // would run the delete last.
        for (int id = 1100; id < 1120; id++) {
            writes.add(write(Kind.UPSERT, "dwd_wide", "id", id, "subject", "a"));
            writes.add(write(Kind.DELETE, "dwd_wide", "id", id));
            writes.add(write(Kind.UPSERT, "dwd_wide", "id", id, "subject", "b"));
        }
        // Refused before reaching SQL: not on the allow-list, unknown columns, a bad delete key.
        writes.add(write(Kind.UPSERT, "secret", "id", 1, "v", "leak"));
        writes.add(write(Kind.UPSERT, "dwd_wide", "id", 2000, "nope", 1));
        writes.add(write(Kind.UPSERT, "dwd_wide", "id", 2001, "score`=0, `user_id", "x"));
        writes.add(write(Kind.DELETE, "dwd_wide", "user_id", "u1"));
        // Refused by the database for its data (VARCHAR(16) in strict mode): only this row is lost.
        writes.add(write(Kind.UPSERT, "dwd_wide", "id", 3000, "user_id", "x".repeat(40)));
        return writes;
    }

    /** What the tables must hold: each write applied in order, refused ones skipped. */
    private static Map<String, Map<String, Object>> expectedWide(List<TableWrite> writes) {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (TableWrite w : writes) {
            if (!w.table().equals("dwd_wide")) {
                continue;
            }
            Map<String, Object> r = w.row();
            String id = String.valueOf(r.get("id"));
            if (w.kind() == Kind.DELETE) {
                if (r.keySet().equals(Set.of("id"))) {
                    rows.remove(id);
                }
                continue;
            }
            if (r.containsKey("nope") || r.keySet().stream().anyMatch(c -> c.contains("`"))) {
                continue;
            }
            if (r.get("user_id") instanceof String s && s.length() > 16) {
                continue;
            }
            Map<String, Object> row =
                    rows.computeIfAbsent(
                            id,
                            k -> {
                                Map<String, Object> fresh = new TreeMap<>();
                                for (String c :
                                        List.of(
                                                "user_id",
                                                "score",
                                                "subject",
                                                "tags",
                                                "mastered")) {
                                    fresh.put(c, null);
                                }
                                fresh.put("untouched", "keep");
                                return fresh;
                            });
            r.forEach(
                    (c, v) -> {
                        if (!c.equals("id")) {
                            row.put(c, normalize(v));
                        }
                    });
        }
        return rows;
    }

    private static Object normalize(Object v) {
        if (v instanceof List<?> || v instanceof Map<?, ?>) {
            return Json.write(v);
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString()).setScale(2).toPlainString();
        }
        return v;
    }

    private static Map<String, Map<String, Object>> actualWide() {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (Map<String, Object> r :
                DB.query(
                        "SELECT id, user_id, CAST(score AS CHAR) AS score, subject, tags,"
                                + " CAST(mastered AS SIGNED) AS mastered, untouched FROM dwd_wide")) {
            Map<String, Object> row = new TreeMap<>();
            r.forEach(
                    (c, v) -> {
                        if (!c.equals("id")) {
                            row.put(c, v instanceof Long l ? Integer.valueOf(l.intValue()) : v);
                        }
                    });
            rows.put(String.valueOf(r.get("id")), row);
        }
        return rows;
    }

    @Test
    void twoEventTypesFillDifferentColumnsOfTheSameRowsAndDeletesApplyInOrder() throws Exception {
        DB.execute("DELETE FROM dwd_wide", "DELETE FROM daily");
        List<TableWrite> writes = workload();
        List<OutputMessage> dead = run(writes);
        assertEquals(REFUSED, reasons(dead), "each refused write is dead-lettered once");
        OutputMessage tooLong =
                dead.stream()
                        .filter(m -> "e-3000".equals(m.headers().get(Messages.HEADER_EVENT_ID)))
                        .findFirst()
                        .orElseThrow();
        Map<String, Object> value =
                Json.parseObject(new String(tooLong.value(), StandardCharsets.UTF_8));
        assertEquals("upsert", value.get("kind"));
        assertEquals("dwd_wide", value.get("table"));
        assertEquals(Map.of("id", 3000, "user_id", "x".repeat(40)), value.get("row"));
        assertTrue(
                tooLong.headers().get(Messages.HEADER_MESSAGE).contains("Data too long"),
                tooLong.headers().toString());

        Map<String, Map<String, Object>> expected = expectedWide(writes);
        assertEquals(expected, actualWide());
        assertEquals(
                Map.of("score", "1.00", "user_id", "null", "subject", "null", "untouched", "keep"),
                Map.of(
                        "score", String.valueOf(actualWide().get("1000").get("score")),
                        "user_id", String.valueOf(actualWide().get("1000").get("user_id")),
                        "subject", String.valueOf(actualWide().get("1000").get("subject")),
                        "untouched", actualWide().get("1000").get("untouched")));
        assertTrue(expected.size() > 380, "most rows survive: " + expected.size());
        // daily: the last write per (user, day) wins.
        Map<String, Object> lastN = new TreeMap<>();
        for (TableWrite w : writes) {
            if (w.table().equals("daily")) {
                lastN.put(w.row().get("user_id") + "/" + w.row().get("day"), w.row().get("n"));
            }
        }
        Map<String, Object> actualN = new TreeMap<>();
        for (Map<String, Object> r :
                DB.query("SELECT user_id, CAST(day AS CHAR) AS day, n FROM daily")) {
            actualN.put(r.get("user_id") + "/" + r.get("day"), r.get("n"));
        }
        assertEquals(lastN, actualN);
        assertEquals(List.of(), DB.query("SELECT * FROM secret"));
    }

    @Test
    void rowsSpreadOverThreeConnectionsKeepTheOrderOfEachRow() throws Exception {
        DB.execute("DELETE FROM dwd_wide", "DELETE FROM daily");
        List<TableWrite> writes = workload();
        assertEquals(REFUSED, reasons(run(writes, 3)), "each refused write is dead-lettered once");
        // Upserts, deletes and re-upserts of one row land on one connection, in order.
        assertEquals(expectedWide(writes), actualWide());
        assertEquals(List.of(), DB.query("SELECT * FROM secret"));
    }

    @Test
    void replayingTheSameWritesLeavesTheSameTables() throws Exception {
        DB.execute("DELETE FROM dwd_wide", "DELETE FROM daily");
        List<TableWrite> writes = workload();
        run(writes);
        Map<String, Map<String, Object>> once = actualWide();
        List<Map<String, Object>> dailyOnce = DB.query("SELECT * FROM daily ORDER BY user_id, day");
        // A restart from a checkpoint replays a suffix of the input, possibly all of it.
        run(writes.subList(writes.size() / 3, writes.size()));
        assertEquals(REFUSED, reasons(run(writes)));
        assertEquals(once, actualWide());
        assertEquals(expectedWide(writes), once);
        assertEquals(dailyOnce, DB.query("SELECT * FROM daily ORDER BY user_id, day"));
    }

    @Test
    void bufferedWritesAreFlushedByTheIntervalWithoutACheckpoint() throws Exception {
        DB.execute("DELETE FROM dwd_wide");
        int n = 25;
        List<TableWrite> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(write(Kind.UPSERT, "dwd_wide", "id", i, "subject", "s" + i));
        }
        writes.add(write(Kind.UPSERT, "dwd_wide", "id", 9999, "subject", "marker"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2); // no checkpointing: only the flush timer can write before the end
        WideTableSink sink =
                WideTableSink.builder()
                        .connection(spec())
                        .allowedTables(ALLOWED)
                        .batchSize(10_000)
                        .flushInterval(Duration.ofMillis(100))
                        .build();
        String url = DB.jdbcUrl();
        String user = DB.user();
        String password = DB.password();
        sink.attach(
                env.fromData(writes)
                        .returns(TableWrite.class)
                        .map(w -> awaitRowsBefore(w, n, url, user, password))
                        .setParallelism(1),
                TableWriteKeySelector.resolvePrimaryKeys(new TableCatalog(spec(), ALLOWED)));
        env.execute("interval flush test");
        assertEquals(n + 1L, DB.query("SELECT COUNT(*) AS c FROM dwd_wide").get(0).get("c"));
    }

    /** Holds the marker back until the writes before it are in the table (or fails the job). */
    private static TableWrite awaitRowsBefore(
            TableWrite w, int n, String url, String user, String password) throws Exception {
        if (!"marker".equals(w.row().get("subject"))) {
            return w;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection c = java.sql.DriverManager.getConnection(url, user, password)) {
            while (true) {
                try (ResultSet rs =
                        c.createStatement().executeQuery("SELECT COUNT(*) FROM dwd_wide")) {
                    rs.next();
                    if (rs.getInt(1) == n) {
                        return w;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("buffered writes were not flushed by the interval");
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void retriesOnANewConnectionAfterTheOldOneWasKilled() throws Exception {
        DB.execute("DELETE FROM dwd_wide");
        TableCatalog catalog = new TableCatalog(spec(), ALLOWED);
        SimpleCounter retries = new SimpleCounter();
        try (UpsertExecutor executor =
                new UpsertExecutor(
                        spec().withBatchRewrite(), 3, 10, new SimpleCounter(), retries)) {
            List<TableWrite> first =
                    List.of(write(Kind.UPSERT, "dwd_wide", "id", 1, "subject", "a"));
            assertEquals(
                    new UpsertExecutor.Result(1, List.of()),
                    executor.execute(UpsertPlan.of(first, catalog::primaryKey)));

            // Kill every other session on the test database: the executor's connection is gone.
            try (Connection c = DB.connection();
                    PreparedStatement st =
                            c.prepareStatement(
                                    "SELECT ID FROM information_schema.PROCESSLIST"
                                            + " WHERE DB = DATABASE() AND ID <> CONNECTION_ID()");
                    ResultSet rs = st.executeQuery()) {
                int killed = 0;
                while (rs.next()) {
                    c.createStatement().execute("KILL " + rs.getLong(1));
                    killed++;
                }
                assertTrue(killed >= 1, "the executor's session was found");
            }

            List<TableWrite> second =
                    List.of(
                            write(Kind.UPSERT, "dwd_wide", "id", 1, "score", 2),
                            write(Kind.UPSERT, "dwd_wide", "id", 2, "subject", "b"));
            assertEquals(
                    new UpsertExecutor.Result(2, List.of()),
                    executor.execute(UpsertPlan.of(second, catalog::primaryKey)));
        }
        assertEquals(1, retries.getCount());
        assertEquals(
                List.of(
                        Map.of("id", 1L, "subject", "a", "score", new BigDecimal("2.00")),
                        Map.of("id", 2L, "subject", "b")),
                DB.query("SELECT id, subject, score FROM dwd_wide ORDER BY id").stream()
                        .map(
                                r -> {
                                    Map<String, Object> m = new TreeMap<>(r);
                                    m.values().removeIf(v -> v == null);
                                    return (Map<String, Object>) m;
                                })
                        .toList());
    }

    @Test
    void catalogReadsColumnsAndKeysFromInformationSchemaForAllowedTablesOnly() {
        TableCatalog catalog = new TableCatalog(spec(), ALLOWED).loadAll();
        assertEquals(List.of("user_id", "day"), catalog.primaryKey("daily"));
        assertEquals(
                List.of("id", "user_id", "score", "subject", "tags", "mastered", "untouched"),
                List.copyOf(catalog.schema("dwd_wide").columnTypes().keySet()));
        assertTrue(catalog.schema("dwd_wide").isNumeric("score"));
        assertEquals(
                "table 'secret' is not writable: add it to sink.tables.allowed",
                catalog.check(write(Kind.UPSERT, "secret", "id", 1)));
        TableCatalog missing = new TableCatalog(spec(), Set.of("dwd_wide", "no_such_table"));
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class,
                        () -> TableWriteKeySelector.resolvePrimaryKeys(missing));
        assertEquals(
                "sink.tables.allowed: table 'no_such_table' does not exist in database '"
                        + DB.databaseName()
                        + "'",
                e.getMessage());
    }
}
