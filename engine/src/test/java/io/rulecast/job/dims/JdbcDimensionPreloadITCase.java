package io.rulecast.job.dims;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.runtime.DependencyUnavailableException;
import io.rulecast.testing.MariaDbExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code dims.<name>.preload}: the whole table read into the cache at open, against MariaDB. */
class JdbcDimensionPreloadITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    private static final List<Integer> USER_IDS = List.of(1, 2, 3, 4);
    private static final List<String> CODES = List.of("42", "abc", "Mixed Case", "中文");

    @BeforeAll
    static void tables() {
        DB.execute(
                "CREATE TABLE dim_user (id INT PRIMARY KEY, name VARCHAR(32), score DECIMAL(6,2),"
                        + " vip TINYINT(1), flag BIT(1), created DATETIME, born DATE, ratio DOUBLE,"
                        + " big BIGINT, note TEXT, at TIME, small SMALLINT, f FLOAT)",
                "INSERT INTO dim_user VALUES (1, '张三', 92.50, 1, b'0', '2024-05-01 08:30:00',"
                        + " '2010-02-03', 0.25, 9007199254740993, NULL, '08:30:05', 7, 0.1),"
                        + " (2, 'two', NULL, 0, b'1', NULL, NULL, NULL, NULL, 'n', NULL, NULL, NULL),"
                        + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                        + " NULL),"
                        + " (4, 'four', -1.05, 0, b'0', '1999-12-31 23:59:59', '1999-12-31', -2.5,"
                        + " -1, 'x', '00:00:00', -3, 2.5)",
                "CREATE TABLE dim_code (code VARCHAR(16) PRIMARY KEY, label VARCHAR(32))",
                "INSERT INTO dim_code VALUES ('42', 'answer'), ('abc', 'letters'),"
                        + " ('Mixed Case', 'mixed'), ('中文', 'chinese')",
                "CREATE TABLE dim_price (price DECIMAL(6,2) PRIMARY KEY, label VARCHAR(8))",
                "INSERT INTO dim_price VALUES (7.50, 'seven'), (0.00, 'zero')",
                "CREATE TABLE dim_many (id INT PRIMARY KEY, name VARCHAR(8))",
                "INSERT INTO dim_many VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')",
                "CREATE TABLE dim_ttl (id INT PRIMARY KEY, name VARCHAR(8))",
                "INSERT INTO dim_ttl VALUES (1, 'before')");
    }

    private static JdbcConnectionSpec spec() {
        return new JdbcConnectionSpec(DB.jdbcUrl(), DB.user(), DB.password());
    }

    private static JdbcDimensionLookup lookup(boolean preload) {
        Duration ttl = Duration.ofMinutes(1);
        return new JdbcDimensionLookup(
                spec(),
                List.of(
                        new DimensionSpec("user", "dim_user", "id", ttl, 1000, preload),
                        new DimensionSpec("code", "dim_code", "code", ttl, 1000, preload),
                        new DimensionSpec("price", "dim_price", "price", ttl, 1000, preload)));
    }

    @Test
    void preloadedRowsEqualLookedUpRowsAndCostNoQuery() {
        try (JdbcDimensionLookup plain = lookup(false);
                JdbcDimensionLookup preloaded = lookup(true).preload()) {
            assertEquals(USER_IDS.size() + CODES.size() + 2, preloaded.preloaded());
            assertEquals(0, preloaded.errors());
            int lookups = 0;
            for (Object id : List.<Object>of(1, 2, 3, 4, 1L, "2", new BigDecimal("3.0"))) {
                Map<String, Object> expected = plain.lookup("user", id);
                assertNotNull(expected, "user " + id);
                Map<String, Object> row = preloaded.lookup("user", id);
                assertEquals(expected, row, "user " + id);
                assertEquals(List.copyOf(expected.keySet()), List.copyOf(row.keySet()));
                assertThrows(UnsupportedOperationException.class, () -> row.put("name", "x"));
                lookups++;
            }
            for (Object code : List.<Object>of("42", 42, "abc", "Mixed Case", "中文")) {
                assertEquals(plain.lookup("code", code), preloaded.lookup("code", code));
                assertNotNull(preloaded.lookup("code", code));
                lookups += 2;
            }
            for (Object price : List.<Object>of(7.5, new BigDecimal("7.50"), "7.5", 0, "0")) {
                assertEquals(plain.lookup("price", price), preloaded.lookup("price", price));
                lookups++;
            }
            assertEquals(0, preloaded.misses(), "no query for a preloaded key");
            assertEquals(lookups, preloaded.hits());
            assertEquals(0, plain.preloaded());
        }
    }

    @Test
    void keysNotPreloadedAreReadOnAMissAndAbsentOnesCachedNegative() {
        try (JdbcDimensionLookup plain = lookup(false);
                JdbcDimensionLookup preloaded = lookup(true).preload()) {
            assertNull(preloaded.lookup("user", 99));
            assertEquals(1, preloaded.misses());
            assertNull(preloaded.lookup("user", 99), "the miss is cached");
            assertEquals(1, preloaded.misses());
            // Spelled otherwise than the loaded key, or in another case: read as without preload.
            for (Object key : List.<Object>of("7.50", "07.5")) {
                assertEquals(plain.lookup("price", key), preloaded.lookup("price", key));
            }
            assertEquals(plain.lookup("code", "ABC"), preloaded.lookup("code", "ABC"));
            assertNull(preloaded.lookup("user", "1abc"));
            assertEquals(0, preloaded.errors());
        }
    }

    @Test
    void aTableLargerThanMaxEntriesLoadsTheFirstMaxEntriesAndReadsTheRestOnAMiss() {
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                                spec(),
                                List.of(
                                        new DimensionSpec(
                                                "many",
                                                "dim_many",
                                                "id",
                                                Duration.ofMinutes(1),
                                                3,
                                                true)))
                        .preload()) {
            assertEquals(3, dims.preloaded());
            for (int id = 1; id <= 5; id++) {
                assertNotNull(dims.lookup("many", id), "id " + id);
            }
            assertEquals(2, dims.misses());
        }
    }

    @Test
    void preloadedRowsExpireAfterTtlAndAreReadAgainOneByOne() throws Exception {
        Duration ttl = Duration.ofMillis(700);
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                                spec(),
                                List.of(new DimensionSpec("t", "dim_ttl", "id", ttl, 10, true)))
                        .preload()) {
            assertEquals("before", dims.lookup("t", 1).get("name"));
            DB.execute("UPDATE dim_ttl SET name = 'after' WHERE id = 1");
            assertEquals("before", dims.lookup("t", 1).get("name"));
            assertEquals(0, dims.misses());
            Thread.sleep(ttl.toMillis() + 300);
            assertEquals("after", dims.lookup("t", 1).get("name"));
            assertEquals(1, dims.misses());
        }
    }

    /** A database down at open: logged, and the dimension is then read on a miss as before. */
    @Test
    void anUnreachableDatabaseAtOpenIsLoggedAndLookupsBehaveAsWithoutPreload() {
        JdbcConnectionSpec nowhere =
                new JdbcConnectionSpec("jdbc:mysql://127.0.0.1:1/none", "root", "");
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                        nowhere,
                        List.of(
                                new DimensionSpec(
                                        "user",
                                        "dim_user",
                                        "id",
                                        Duration.ofMinutes(1),
                                        10,
                                        true)))) {
            assertDoesNotThrow(dims::preload);
            assertEquals(0, dims.preloaded());
            assertTrue(dims.errors() >= 1);
            DependencyUnavailableException e =
                    assertThrows(
                            DependencyUnavailableException.class, () -> dims.lookup("user", 1));
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "dimension 'user': cannot read the columns of table dim_user"),
                    e.getMessage());
        }
    }

    /** A missing table is not the preload's to report: the lookup fails as it did. */
    @Test
    void aMissingTableAtOpenIsLeftToTheLookup() {
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                        spec(),
                        List.of(
                                new DimensionSpec(
                                        "school",
                                        "dim_school",
                                        "id",
                                        Duration.ofMinutes(1),
                                        10,
                                        true)))) {
            assertDoesNotThrow(dims::preload);
            assertEquals(
                    "dims.school.table: table 'dim_school' does not exist",
                    assertThrows(IllegalStateException.class, () -> dims.lookup("school", 1))
                            .getMessage());
        }
    }
}
