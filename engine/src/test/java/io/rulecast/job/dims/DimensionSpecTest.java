package io.rulecast.job.dims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DimensionSpecTest {

    @Test
    void missingTableOrKeyColumnNamesTheOption() {
        assertEquals(
                "dims.user.table is missing: name the table to read",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new DimensionSpec("user", " ", "id", null, 10))
                        .getMessage());
        assertEquals(
                "dims.user.key-column is missing: name the column keys are matched on",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new DimensionSpec("user", "dim_user", null, null, 10))
                        .getMessage());
        assertEquals(DimensionSpec.DEFAULT_TTL, new DimensionSpec("u", "t", "k", null, 1).ttl());
        assertThrows(
                IllegalArgumentException.class,
                () -> new DimensionSpec("u", "t", "k", Duration.ZERO, 1));
    }

    @Test
    void unknownDimensionNamesTheOptionsToAdd() {
        try (JdbcDimensionLookup dims =
                new JdbcDimensionLookup(
                        new JdbcConnectionSpec("jdbc:mysql://127.0.0.1:1/none", "u", null),
                        List.of(DimensionSpec.of("user", "dim_user", "id")))) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> dims.lookup("school", 1));
            assertEquals(
                    "no dimension 'school' is configured: add dims.school.table and"
                            + " dims.school.key-column",
                    e.getMessage());
        }
    }

    @Test
    void numericKeysAreNormalizedTheWayMysqlComparesThem() {
        assertEquals("42", JdbcDimensionLookup.cacheKey(42));
        assertEquals("42", JdbcDimensionLookup.cacheKey(42L));
        assertEquals("42", JdbcDimensionLookup.cacheKey(42.0));
        assertEquals("42", JdbcDimensionLookup.cacheKey(new BigDecimal("42.000")));
        assertEquals("0", JdbcDimensionLookup.cacheKey(0.0));
        assertEquals("4200", JdbcDimensionLookup.cacheKey(4200));
        assertEquals("0.5", JdbcDimensionLookup.cacheKey(0.5));
        assertEquals("42.0", JdbcDimensionLookup.cacheKey("42.0"));
    }
}
