package io.rulecast.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaMigratorITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    private static final String SCRIPT_V1 =
            "// 错题本：记录错题\nreturn [wrongbookId: event.payload.wrongbookId, 科目: 'math']";
    private static final String SCRIPT_V2 =
            "// 错题本 v2：订正后更新\nreturn [wrongbookId: event.payload.wrongbookId, status: '已订正']";
    private static final String CONFIG =
            "{\"output_table\": \"dwd_wrongbook_wide\", \"标签\": [1, 2.5]}";

    private static MigrationResult first;

    @BeforeAll
    static void migrate() {
        first = SchemaMigrator.migrate(DB.jdbcUrl(), DB.user(), DB.password());
    }

    @Test
    @Order(1)
    void migratesAFreshDatabaseAndIsIdempotent() {
        assertEquals(List.of("1", "2", "3"), first.applied());
        assertEquals("3", first.schemaVersion());

        MigrationResult again = SchemaMigrator.migrate(DB.jdbcUrl(), DB.user(), DB.password());
        assertTrue(again.upToDate(), again.toString());
        assertEquals("3", again.schemaVersion());

        assertEquals(
                List.of("routing_config_history", "routing_configs", SchemaMigrator.HISTORY_TABLE),
                DB
                        .query(
                                "SELECT table_name AS t FROM information_schema.tables"
                                        + " WHERE table_schema = DATABASE()")
                        .stream()
                        .map(r -> String.valueOf(r.get("t")))
                        .sorted()
                        .toList());
    }

    @Test
    @Order(2)
    void everyChangeBySqlIsVersionedWithTheSpecHash() throws Exception {
        long id;
        try (Connection c = DB.connection()) {
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_configs (domain, event_type, language, script,"
                                    + " config_json, priority) VALUES (?, ?, ?, ?, ?, ?)",
                            Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "wrongbook");
                ps.setString(2, "wrongbook_add");
                ps.setString(3, "groovy");
                ps.setString(4, SCRIPT_V1);
                ps.setString(5, CONFIG);
                ps.setInt(6, 5);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            Timestamp created = updateTime(c, id);
            Thread.sleep(20);
            try (Statement st = c.createStatement()) {
                assertEquals(
                        1,
                        st.executeUpdate(
                                "UPDATE routing_configs SET script = '"
                                        + SCRIPT_V2.replace("'", "''")
                                        + "' WHERE id = "
                                        + id));
            }
            assertTrue(updateTime(c, id).after(created), "update_time moves on UPDATE");
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM routing_configs WHERE id = " + id);
            }
        }

        List<Map<String, Object>> history =
                DB.query(
                        "SELECT config_id, operation, domain, event_type, rule_name, language,"
                                + " script, config_json, enabled, priority, version_hash,"
                                + " changed_at, changed_by FROM routing_config_history"
                                + " WHERE domain = 'wrongbook' AND event_type = 'wrongbook_add'"
                                + " AND rule_name = 'main' ORDER BY id");
        assertEquals(
                List.of("INSERT", "UPDATE", "DELETE"),
                history.stream().map(r -> r.get("operation")).toList());

        String v1 = sha256Hex("groovy\n" + SCRIPT_V1 + "\n" + CONFIG);
        String v2 = sha256Hex("groovy\n" + SCRIPT_V2 + "\n" + CONFIG);
        assertNotEquals(v1, v2);
        assertEquals(v1, history.get(0).get("version_hash"));
        assertEquals(v2, history.get(1).get("version_hash"));
        assertEquals(v2, history.get(2).get("version_hash"), "DELETE records the row it removed");

        for (Map<String, Object> row : history) {
            assertEquals(id, row.get("config_id"));
            assertEquals("main", row.get("rule_name"));
            assertEquals(CONFIG, row.get("config_json"), "config_json is kept as written");
            assertEquals(5, row.get("priority"));
            assertTrue(String.valueOf(row.get("changed_by")).contains("@"), row.toString());
            assertTrue(row.get("changed_at") != null, row.toString());
        }
        assertEquals(SCRIPT_V1, history.get(0).get("script"));
        assertEquals(SCRIPT_V2, history.get(2).get("script"));
    }

    @Test
    @Order(3)
    void nullConfigHashesAsEmptyText() throws Exception {
        DB.execute(
                "INSERT INTO routing_configs (domain, event_type, rule_name, language, script)"
                        + " VALUES ('d', 't', 'no-config', 'js', 'return null;')");
        Map<String, Object> row =
                DB.query(
                                "SELECT version_hash, config_json FROM routing_config_history"
                                        + " WHERE rule_name = 'no-config'")
                        .get(0);
        assertNull(row.get("config_json"));
        assertEquals(sha256Hex("js\nreturn null;\n"), row.get("version_hash"));
    }

    @Test
    @Order(4)
    void rejectsUnknownLanguagesInvalidJsonAndDuplicateRules() {
        DB.execute(
                "INSERT INTO routing_configs (domain, event_type, language, script)"
                        + " VALUES ('d', 'dup', 'js', 'return null;')");
        for (String bad :
                List.of(
                        "INSERT INTO routing_configs (domain, event_type, language, script)"
                                + " VALUES ('d', 'lang', 'python', 'pass')",
                        "INSERT INTO routing_configs (domain, event_type, language, script)"
                                + " VALUES ('d', 'lang', 'Groovy', 'null')",
                        "INSERT INTO routing_configs (domain, event_type, language, script,"
                                + " config_json) VALUES ('d', 'json', 'js', 'null', '{oops')",
                        "INSERT INTO routing_configs (domain, event_type, language, script)"
                                + " VALUES ('d', 'dup', 'groovy', 'null')")) {
            assertThrows(IllegalStateException.class, () -> DB.execute(bad), bad);
        }
        assertEquals(
                List.of(Map.of("n", 1L)),
                DB.query(
                        "SELECT COUNT(*) AS n FROM routing_configs WHERE domain = 'd' AND"
                                + " event_type IN ('dup', 'lang', 'json')"));
    }

    @Test
    @Order(5)
    void rawSqlStartsChangesPromotesAndEndsARolloutAndHistoryKeepsEachStep() throws Exception {
        String live = "return [v: 1]";
        String candidate = "return [v: 2]";
        String candidateConfig = "{\"output_table\": \"t\"}";
        DB.execute(
                "INSERT INTO routing_configs (domain, event_type, rule_name, language, script)"
                        + " VALUES ('r', 'roll', 'main', 'groovy', '"
                        + live
                        + "')");
        String liveVersion = sha256Hex("groovy\n" + live + "\n");
        String candidateVersion = sha256Hex("groovy\n" + candidate + "\n" + candidateConfig);
        String where = " WHERE domain = 'r' AND event_type = 'roll'";

        DB.execute(
                "UPDATE routing_configs SET candidate_language = 'groovy', candidate_script = '"
                        + candidate
                        + "', candidate_config_json = '"
                        + candidateConfig
                        + "', rollout_mode = 'shadow'"
                        + where);
        Map<String, Object> started = rolloutOf(where);
        assertEquals("shadow", started.get("rollout_mode"));
        assertEquals(
                liveVersion, started.get("rollout_base_version"), "the trigger keeps the base");
        assertTrue(started.get("rollout_started_at") != null);

        DB.execute(
                "UPDATE routing_configs SET rollout_mode = 'canary', rollout_percent = 10" + where);
        Map<String, Object> changed = rolloutOf(where);
        assertEquals("canary", changed.get("rollout_mode"));
        assertEquals(liveVersion, changed.get("rollout_base_version"), "a change keeps the base");
        assertEquals(started.get("rollout_started_at"), changed.get("rollout_started_at"));

        // A canary needs its percent; a rollout needs a candidate; percents stay within 0..100.
        for (String bad :
                List.of(
                        "UPDATE routing_configs SET rollout_percent = NULL" + where,
                        "UPDATE routing_configs SET rollout_percent = 101" + where,
                        "UPDATE routing_configs SET candidate_script = NULL" + where,
                        "UPDATE routing_configs SET rollout_mode = 'blue'" + where,
                        "UPDATE routing_configs SET candidate_config_json = '{x'" + where)) {
            assertThrows(IllegalStateException.class, () -> DB.execute(bad), bad);
        }

        DB.execute(
                "UPDATE routing_configs SET language = candidate_language, script ="
                        + " candidate_script, config_json = candidate_config_json, rollout_mode ="
                        + " NULL, rollout_percent = NULL, candidate_language = NULL,"
                        + " candidate_script = NULL, candidate_config_json = NULL"
                        + where);
        Map<String, Object> promoted =
                DB.query("SELECT script, config_json FROM routing_configs" + where).get(0);
        assertEquals(candidate, promoted.get("script"), "assignments run left to right");
        assertEquals(candidateConfig, promoted.get("config_json"));
        Map<String, Object> ended = rolloutOf(where);
        assertNull(ended.get("rollout_mode"));
        assertNull(ended.get("rollout_base_version"));
        assertNull(ended.get("rollout_started_at"));

        List<Map<String, Object>> history =
                DB.query(
                        "SELECT version_hash, candidate_version_hash, rollout_mode,"
                                + " rollout_base_version FROM routing_config_history"
                                + where
                                + " ORDER BY id");
        assertEquals(4, history.size(), history.toString());
        assertNull(history.get(0).get("candidate_version_hash"));
        assertEquals(candidateVersion, history.get(1).get("candidate_version_hash"));
        assertEquals("shadow", history.get(1).get("rollout_mode"));
        assertEquals(liveVersion, history.get(1).get("rollout_base_version"));
        assertEquals("canary", history.get(2).get("rollout_mode"));
        assertEquals(candidateVersion, history.get(3).get("version_hash"), "promoted");
        assertNull(history.get(3).get("rollout_mode"));
    }

    private static Map<String, Object> rolloutOf(String where) {
        return DB.query(
                        "SELECT rollout_mode, rollout_percent, rollout_base_version,"
                                + " rollout_started_at FROM routing_configs"
                                + where)
                .get(0);
    }

    @Test
    @Order(6)
    void migratesADatabaseThatAlreadyHoldsOtherTables() {
        String name = DB.databaseName() + "_app";
        DB.execute(
                "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4",
                "CREATE TABLE `" + name + "`.dwd_wrongbook_wide (id VARCHAR(64) PRIMARY KEY)");
        try {
            String url = DB.jdbcUrl().replace("/" + DB.databaseName() + "?", "/" + name + "?");
            MigrationResult result = SchemaMigrator.migrate(url, DB.user(), DB.password());
            assertEquals(List.of("1", "2", "3"), result.applied());
        } finally {
            DB.execute("DROP DATABASE `" + name + "`");
        }
    }

    @Test
    @Order(7)
    void missingDatabaseFailsWithOneLineNamingTheFix() {
        String url = DB.jdbcUrl().replace("/" + DB.databaseName() + "?", "/no_such_db_x?");
        SchemaMigrationException e =
                assertThrows(
                        SchemaMigrationException.class,
                        () -> SchemaMigrator.migrate(url, DB.user(), DB.password()));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("CREATE DATABASE"), e.getMessage());
    }

    private static Timestamp updateTime(Connection c, long id) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT update_time FROM routing_configs WHERE id = " + id)) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static String sha256Hex(String text) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
