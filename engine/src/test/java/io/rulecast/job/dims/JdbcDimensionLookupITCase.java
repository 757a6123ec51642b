package io.rulecast.job.dims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.runtime.DependencyUnavailableException;
import io.rulecast.testing.MariaDbExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dimension lookups against a real MariaDB. */
class JdbcDimensionLookupITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    private static final Duration SHORT_TTL = Duration.ofMillis(700);

    @BeforeAll
    static void tables() {
        DB.execute(
                "CREATE TABLE dim_user (id INT PRIMARY KEY, name VARCHAR(32), score DECIMAL(6,2),"
                        + " vip TINYINT(1), flag BIT(1), created DATETIME, born DATE, ratio DOUBLE,"
                        + " big BIGINT, note TEXT)",
                "INSERT INTO dim_user VALUES (1, '张三', 92.50, 1, b'0', '2024-05-01 08:30:00',"
                        + " '2010-02-03', 0.25, 9007199254740993, NULL)",
                "CREATE TABLE dim_code (code VARCHAR(16) PRIMARY KEY, label VARCHAR(32))",
                "INSERT INTO dim_code VALUES ('42', 'answer'), ('abc', 'letters')");
    }

    private static JdbcConnectionSpec spec() {
        return new JdbcConnectionSpec(DB.jdbcUrl(), DB.user(), DB.password());
    }

    private static JdbcDimensionLookup lookup(Duration ttl) {
        return new JdbcDimensionLookup(
                spec(),
                List.of(
                        new DimensionSpec("user", "dim_user", "id", ttl, 1000),
                        new DimensionSpec("code", "dim_code", "code", ttl, 1000)));
    }

    @Test
    void rowComesBackAsReadOnlyPlainData() {
        try (JdbcDimensionLookup dims = lookup(Duration.ofMinutes(1)).validate()) {
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("id", 1);
            expected.put("name", "张三");
            expected.put("score", new BigDecimal("92.50"));
            expected.put("vip", true);
            expected.put("flag", false);
            expected.put("created", "2024-05-01T08:30:00");
            expected.put("born", "2010-02-03");
            expected.put("ratio", 0.25);
            expected.put("big", 9007199254740993L);
            expected.put("note", null);
            Map<String, Object> row = dims.lookup("user", 1);
            assertEquals(expected, row);
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(row.keySet()));
            assertThrows(UnsupportedOperationException.class, () -> row.put("name", "x"));
        }
    }

    @Test
    void secondLookupIsAHitAndKeysMatchAcrossNumberAndText() {
        try (JdbcDimensionLookup dims = lookup(Duration.ofMinutes(1))) {
            assertEquals("张三", dims.lookup("user", 1).get("name"));
            assertEquals("张三", dims.lookup("user", 1L).get("name"));
            assertEquals("张三", dims.lookup("user", "1").get("name"));
            assertEquals(1, dims.misses());
            assertEquals(2, dims.hits());

            assertEquals("answer", dims.lookup("code", 42).get("label"));
            assertEquals("answer", dims.lookup("code", "42").get("label"));
            assertEquals("letters", dims.lookup("code", "abc").get("label"));
            // MySQL would match 'abc' = 0 or '1abc' = 1 on an INT column; a lookup must not.
            assertNull(dims.lookup("user", "1abc"));
            assertNull(dims.lookup("user", null));
            assertEquals(0, dims.errors());
        }
    }

    @Test
    void absentKeyIsCachedUntilItsTtlExpires() throws Exception {
        DB.execute("DELETE FROM dim_user WHERE id IN (7, 8)");
        try (JdbcDimensionLookup dims = lookup(SHORT_TTL)) {
            assertNull(dims.lookup("user", 7));
            DB.execute("INSERT INTO dim_user (id, name) VALUES (7, 'late')");
            assertNull(dims.lookup("user", 7), "the miss is cached");
            assertEquals(1, dims.misses());
            assertEquals(1, dims.hits());

            Thread.sleep(SHORT_TTL.toMillis() + 300);
            assertEquals("late", dims.lookup("user", 7).get("name"));
            assertEquals(2, dims.misses());
        }
    }

    @Test
    void changedRowIsSeenOnlyAfterTtl() throws Exception {
        DB.execute("REPLACE INTO dim_user (id, name) VALUES (8, 'before')");
        try (JdbcDimensionLookup dims = lookup(SHORT_TTL)) {
            assertEquals("before", dims.lookup("user", 8).get("name"));
            DB.execute("UPDATE dim_user SET name = 'after' WHERE id = 8");
            assertEquals("before", dims.lookup("user", 8).get("name"));
            Thread.sleep(SHORT_TTL.toMillis() + 300);
            assertEquals("after", dims.lookup("user", 8).get("name"));
        }
    }

    @Test
    void killedConnectionIsReplacedOnce() throws Exception {
        try (JdbcDimensionLookup dims = lookup(Duration.ofMinutes(1))) {
            assertEquals("answer", dims.lookup("code", "42").get("label"));
            killOtherSessions();
            assertEquals("letters", dims.lookup("code", "abc").get("label"));
            assertEquals(1, dims.errors());
        }
    }

    /** An outage, which the job waits out (DEPENDENCY_UNAVAILABLE), not the rule's failure. */
    @Test
    void unreachableDatabaseFailsTheLookupQuicklyWithAClearMessage() {
        JdbcConnectionSpec nowhere =
                new JdbcConnectionSpec("jdbc:mysql://127.0.0.1:1/none", "root", "");
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                        nowhere, List.of(DimensionSpec.of("user", "dim_user", "id")))) {
            long start = System.nanoTime();
            DependencyUnavailableException e =
                    assertThrows(
                            DependencyUnavailableException.class, () -> dims.lookup("user", 1));
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "dimension 'user': cannot read the columns of table dim_user"),
                    e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos());
            assertEquals(1, dims.errors());
        }
    }

    /**
     * A database that answers but refuses the query (the table dropped under the job) is no outage:
     * waiting would never end, so the invocation fails as before.
     */
    @Test
    void aRefusedQueryIsNotAnOutage() {
        DB.execute(
                "CREATE TABLE dim_gone (id INT PRIMARY KEY, name VARCHAR(8))",
                "INSERT INTO dim_gone VALUES (1, 'x')");
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(spec(), List.of(DimensionSpec.of("gone", "dim_gone", "id")))
                        .validate()) {
            assertEquals("x", dims.lookup("gone", 1).get("name"));
            DB.execute("DROP TABLE dim_gone");
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> dims.lookup("gone", 2));
            assertTrue(e.getMessage().contains("dim_gone"), e.getMessage());
        }
    }

    @Test
    void misconfiguredDimensionFailsValidationNamingTheOption() {
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                        spec(), List.of(DimensionSpec.of("school", "dim_school", "id")))) {
            assertEquals(
                    "dims.school.table: table 'dim_school' does not exist",
                    assertThrows(IllegalStateException.class, dims::validate).getMessage());
        }
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                        spec(), List.of(DimensionSpec.of("user", "dim_user", "user_id")))) {
            assertEquals(
                    "dims.user.key-column: table 'dim_user' has no column 'user_id'",
                    assertThrows(IllegalStateException.class, dims::validate).getMessage());
        }
    }

    private static void killOtherSessions() throws Exception {
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
            assertTrue(killed >= 1, "the lookup's session was found");
        }
    }
}
