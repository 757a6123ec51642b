package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.rulecast.job.sink.TableWrite.Kind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableWriteKeySelectorTest {
    private final TableWriteKeySelector selector =
            new TableWriteKeySelector(
                    Map.of("wide", List.of("id"), "daily", List.of("user", "day")));

    private String key(Kind kind, String table, Map<String, Object> row) {
        return selector.getKey(new TableWrite(kind, table, row, "r", "v", "e", 0L));
    }

    @Test
    void writesOfOneRowShareAKeyWhateverColumnsTheyFill() {
        String a = key(Kind.UPSERT, "wide", Map.of("id", 7, "a", 1));
        assertEquals(a, key(Kind.UPSERT, "wide", Map.of("id", 7L, "b", "x")));
        assertEquals(a, key(Kind.DELETE, "wide", Map.of("id", "7")));
        assertEquals(a, key(Kind.UPSERT, "wide", Map.of("id", 7.0, "c", 1)));
        assertEquals(a, key(Kind.UPSERT, "wide", Map.of("id", new BigDecimal("7.00"))));
    }

    @Test
    void differentRowsAndTablesGetDifferentKeys() {
        String a = key(Kind.UPSERT, "wide", Map.of("id", 7));
        assertNotEquals(a, key(Kind.UPSERT, "wide", Map.of("id", 8)));
        assertNotEquals(a, key(Kind.UPSERT, "daily", Map.of("user", 7, "day", "d")));
        assertNotEquals(
                key(Kind.UPSERT, "daily", Map.of("user", "a", "day", "b")),
                key(Kind.UPSERT, "daily", Map.of("user", "b", "day", "a")));
    }

    @Test
    void unknownTableStillGetsAKeyInsteadOfFailingTheJob() {
        assertEquals("nope", key(Kind.UPSERT, "nope", Map.of("id", 1)));
    }
}
