package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.runtime.VersionHash;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC "Version stamps": a rule whose {@code config_json} names a {@code version_column} writes its
 * 12-character version hash into that column of every row it upserts, so the rows one version wrote
 * are one {@code SELECT} away — across a hot update, and for rows written by {@code ctx.upsert} as
 * well as returned ones.
 */
class VersionStampITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CONFIG =
            "{\"output_table\": \"stamp_wide\", \"version_column\": \"written_by\"}";
    private static final String V1 =
            "def p = event.payload\n"
                    + "ctx.upsert('stamp_audit', [id: p.id, note: 'v1'])\n"
                    + "return [id: p.id, n: p.n, written_by: 'forged']";
    private static final String V2 =
            "def p = event.payload\n"
                    + "ctx.upsert('stamp_audit', [id: p.id, note: 'v2'])\n"
                    + "return [id: p.id, n: p.n * 2]";

    @Test
    void everyUpsertedRowCarriesTheVersionThatWroteIt() throws Exception {
        DB.execute(
                "DROP TABLE IF EXISTS stamp_wide",
                "DROP TABLE IF EXISTS stamp_audit",
                "CREATE TABLE stamp_wide (id VARCHAR(16) PRIMARY KEY, n INT, written_by CHAR(12))",
                "CREATE TABLE stamp_audit (id VARCHAR(16) PRIMARY KEY, note VARCHAR(8),"
                        + " written_by CHAR(12))");
        String v1 = VersionHash.of("groovy", V1, CONFIG).substring(0, 12);
        String v2 = VersionHash.of("groovy", V2, CONFIG).substring(0, 12);
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("sink.tables.allowed", "stamp_wide,stamp_audit");
            long id = job.rules.insert("shop", "item", "main", "groovy", V1, CONFIG, 0);
            job.start();
            for (int i = 0; i < 30; i++) {
                job.send("a" + i, event("ev-a" + i, "shop", "item", Map.of("id", "a" + i, "n", i)));
            }
            awaitCount("SELECT COUNT(*) AS c FROM stamp_wide", 30);

            job.rules.updateScript(id, V2);
            // Rows of the new version have ids b*; wait until the update is live, then count.
            for (int i = 0; i < 30; i++) {
                job.send("b" + i, event("ev-b" + i, "shop", "item", Map.of("id", "b" + i, "n", i)));
            }
            awaitCount("SELECT COUNT(*) AS c FROM stamp_wide", 60);
            awaitCount("SELECT COUNT(*) AS c FROM stamp_audit", 60);
        }
        // Every row carries a stamp, and the stamp is the version whose logic made the row.
        Map<String, String> wide = stamps("stamp_wide");
        Map<String, String> audit = stamps("stamp_audit");
        assertEquals(60, wide.size());
        for (Map<String, Object> r : DB.query("SELECT id, note, written_by FROM stamp_audit")) {
            String expected = "v1".equals(r.get("note")) ? v1 : v2;
            assertEquals(expected, r.get("written_by"), "audit row " + r);
            assertEquals(expected, wide.get(r.get("id")), "wide row of " + r);
        }
        // The wide row's value was computed by the version its stamp names (v2 doubles n), and the
        // rule's own value for the stamp column ('forged') never reaches the table.
        for (Map<String, Object> r : DB.query("SELECT id, n, written_by FROM stamp_wide")) {
            int i = Integer.parseInt(((String) r.get("id")).substring(1));
            int n = ((Number) r.get("n")).intValue();
            assertEquals(v1.equals(r.get("written_by")) ? i : 2 * i, n, "row " + r);
        }
        assertEquals(
                30,
                count(
                        "SELECT COUNT(*) AS c FROM stamp_wide WHERE id LIKE 'a%' AND written_by = '"
                                + v1
                                + "'"));
        // The question an operator asks after a bad push: which rows did that version write?
        assertEquals(
                count("SELECT COUNT(*) AS c FROM stamp_audit WHERE note = 'v2'"),
                count("SELECT COUNT(*) AS c FROM stamp_wide WHERE written_by = '" + v2 + "'"));
        assertEquals(
                0,
                count(
                        "SELECT COUNT(*) AS c FROM stamp_wide WHERE written_by IS NULL"
                                + " OR written_by NOT IN ('"
                                + v1
                                + "', '"
                                + v2
                                + "')"));
        assertEquals(60, audit.size());
    }

    private static Map<String, String> stamps(String table) {
        Map<String, String> m = new TreeMap<>();
        for (Map<String, Object> r : DB.query("SELECT id, written_by FROM " + table)) {
            m.put((String) r.get("id"), (String) r.get("written_by"));
        }
        return m;
    }

    private static long count(String sql) {
        return ((Number) DB.query(sql).get(0).get("c")).longValue();
    }

    private static void awaitCount(String sql, long expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = count(sql);
            if (seen >= expected) {
                return;
            }
            JobFixture.sleep(200);
        }
        assertEquals(expected, seen, "rows after " + WAIT + ": " + sql);
    }
}
