package io.rulecast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MariaDbExtensionITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @Test
    void eachClassGetsItsOwnFreshDatabase() {
        assertTrue(DB.databaseName().startsWith("rt_mariadbextensionitcase_"), DB.databaseName());
        assertTrue(DB.jdbcUrl().contains("/" + DB.databaseName() + "?"), DB.jdbcUrl());
        assertTrue(DB.jdbcUrl().contains("rewriteBatchedStatements=true"), DB.jdbcUrl());
        assertEquals(List.of(Map.of("db", DB.databaseName())), DB.query("SELECT DATABASE() AS db"));
        assertEquals(
                List.of(Map.of("n", 0L)),
                DB.query(
                        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema"
                                + " = DATABASE()"));
    }

    @Test
    void batchedUtf8WritesRoundTrip() throws Exception {
        DB.execute(
                "CREATE TABLE words (id INT PRIMARY KEY, word VARCHAR(32)) CHARACTER SET utf8mb4");
        try (Connection c = DB.connection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO words VALUES (?, ?)")) {
            String[] words = {"错题本", "naïve", "emoji \uD83D\uDE00"};
            for (int i = 0; i < words.length; i++) {
                ps.setInt(1, i);
                ps.setString(2, words[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<Map<String, Object>> rows = DB.query("SELECT id, word FROM words ORDER BY id");
        assertEquals(3, rows.size());
        assertEquals("错题本", rows.get(0).get("word"));
        assertEquals("emoji \uD83D\uDE00", rows.get(2).get("word"));
    }

    @Test
    void failedStatementNamesTheSql() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> DB.execute("SELECT * FROM nope"));
        assertTrue(e.getMessage().contains("SELECT * FROM nope"), e.getMessage());
    }

    @Test
    void unreachableServerFailsWithOneLineNamingTheFix() {
        MariaDbExtension nowhere = new MariaDbExtension("jdbc:mysql://127.0.0.1:1/", "root", "");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> nowhere.createDatabase("X"));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("jdbc:mysql://127.0.0.1:1/"), e.getMessage());
        assertTrue(e.getMessage().contains("start-stop-daemon --start"), e.getMessage());
        assertTrue(e.getMessage().contains(MariaDbExtension.URL_ENV), e.getMessage());
    }
}
