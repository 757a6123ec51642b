package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rulecast.job.sink.TableWrite.Kind;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableCatalogCheckTest {
    private static final Map<String, String> WIDE_COLUMNS = new LinkedHashMap<>();

    static {
        WIDE_COLUMNS.put("id", "bigint");
        WIDE_COLUMNS.put("user_id", "varchar");
        WIDE_COLUMNS.put("score", "decimal");
    }

    private final TableCatalog catalog =
            TableCatalog.of(
                    Set.of("dwd_wrongbook_wide", "daily", "nokey", "gone"),
                    List.of(
                            new TableSchema(
                                    "db", "dwd_wrongbook_wide", WIDE_COLUMNS, List.of("id")),
                            new TableSchema(
                                    "db",
                                    "daily",
                                    Map.of("user", "varchar", "day", "date", "n", "int"),
                                    List.of("user", "day")),
                            new TableSchema("db", "nokey", Map.of("a", "int"), List.of()),
                            new TableSchema("db", "secret", Map.of("id", "int"), List.of("id"))));

    private static TableWrite write(Kind kind, String table, Object... kv) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            row.put((String) kv[i], kv[i + 1]);
        }
        return new TableWrite(kind, table, row, "d/e/r", "v1", "e-1", 0L);
    }

    @Test
    void validUpsertAndDeletePass() {
        assertNull(catalog.check(write(Kind.UPSERT, "dwd_wrongbook_wide", "id", 1, "score", 2)));
        assertNull(catalog.check(write(Kind.UPSERT, "dwd_wrongbook_wide", "id", 1)));
        assertNull(catalog.check(write(Kind.DELETE, "daily", "day", "2024-01-01", "user", "u")));
    }

    @Test
    void tableOffTheAllowListIsNotWritableEvenIfItExists() {
        assertEquals(
                "table 'secret' is not writable: add it to sink.tables.allowed",
                catalog.check(write(Kind.UPSERT, "secret", "id", 1)));
        assertThrows(IllegalArgumentException.class, () -> catalog.primaryKey("secret"));
    }

    @Test
    void allowedTableThatDoesNotExistIsReported() {
        assertEquals(
                "table 'gone' does not exist in database '?'",
                catalog.check(write(Kind.UPSERT, "gone", "id", 1)));
    }

    @Test
    void unknownColumnIsNamedWithACaseHint() {
        assertEquals(
                "unknown column 'foo' in dwd_wrongbook_wide",
                catalog.check(write(Kind.UPSERT, "dwd_wrongbook_wide", "id", 1, "foo", 2)));
        assertEquals(
                "unknown column 'User_Id' in dwd_wrongbook_wide (did you mean 'user_id'?)",
                catalog.check(write(Kind.UPSERT, "dwd_wrongbook_wide", "id", 1, "User_Id", 2)));
    }

    @Test
    void columnNamesThatTryToInjectSqlAreUnknownColumns() {
        assertEquals(
                "unknown column 'score`=0; DROP TABLE x; --' in dwd_wrongbook_wide",
                catalog.check(
                        write(
                                Kind.UPSERT,
                                "dwd_wrongbook_wide",
                                "id",
                                1,
                                "score`=0; DROP TABLE x; --",
                                1)));
    }

    @Test
    void upsertMustCarryEveryPrimaryKeyColumnWithAValue() {
        assertEquals(
                "upsert into daily lacks primary-key column 'day'",
                catalog.check(write(Kind.UPSERT, "daily", "user", "u", "n", 1)));
        assertEquals(
                "upsert into dwd_wrongbook_wide has a null primary-key column 'id'",
                catalog.check(write(Kind.UPSERT, "dwd_wrongbook_wide", "id", null, "score", 1)));
    }

    @Test
    void deleteMustNameExactlyThePrimaryKey() {
        assertEquals(
                "delete from daily must name exactly its primary key (user, day), got (user)",
                catalog.check(write(Kind.DELETE, "daily", "user", "u")));
        assertEquals(
                "delete from dwd_wrongbook_wide must name exactly its primary key (id), got (score)",
                catalog.check(write(Kind.DELETE, "dwd_wrongbook_wide", "score", 1)));
    }

    @Test
    void emptyRowsAndTablesWithoutPrimaryKeyAreRefused() {
        assertEquals(
                "upsert into dwd_wrongbook_wide names no columns",
                catalog.check(write(Kind.UPSERT, "dwd_wrongbook_wide")));
        assertEquals(
                "delete from daily names no key columns",
                catalog.check(write(Kind.DELETE, "daily")));
        assertEquals(
                "table 'nokey' has no primary key: the sink writes rows by primary key",
                catalog.check(write(Kind.UPSERT, "nokey", "a", 1)));
    }

    @Test
    void loadedSchemasTravelWithASerializedCatalog() throws Exception {
        TableCatalog copy =
                org.apache.flink.util.InstantiationUtil.clone(catalog, getClass().getClassLoader());
        assertNull(copy.check(write(Kind.UPSERT, "dwd_wrongbook_wide", "id", 1, "score", 2)));
        assertEquals(
                "unknown column 'foo' in dwd_wrongbook_wide",
                copy.check(write(Kind.UPSERT, "dwd_wrongbook_wide", "id", 1, "foo", 2)));
        assertEquals(List.of("user", "day"), copy.primaryKey("daily"));
    }

    @Test
    void primaryKeysResolveForEveryAllowedTableOrFailNamingTheTable() {
        TableCatalog ok =
                TableCatalog.of(
                        Set.of("dwd_wrongbook_wide"),
                        List.of(
                                new TableSchema(
                                        "db", "dwd_wrongbook_wide", WIDE_COLUMNS, List.of("id"))));
        assertEquals(
                Map.of("dwd_wrongbook_wide", List.of("id")),
                TableWriteKeySelector.resolvePrimaryKeys(ok));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TableWriteKeySelector.resolvePrimaryKeys(catalog));
        assertEquals(
                "sink.tables.allowed: table 'gone' does not exist in database '?'", e.getMessage());
    }
}
