package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.routing.CanarySplit;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A canary started and widened with raw SQL serves P % of the state keys (±3 points over 2,000
 * keys), each key with one version only, the key's {@code ctx.state} counting on across its events.
 */
class CanaryRolloutITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String RULE = "shop/order/main";
    private static final String CONFIG = "{\"output_table\": \"canary_events\"}";
    private static final int KEYS = 2000;
    private static final int EVENTS_PER_KEY = 3;

    private static String script(String servedBy) {
        return "def n = ctx.state.incr('n', 1)\n"
                + "return [id: event.eventId, user_id: event.payload.user, served_by: '"
                + servedBy
                + "', n: n]";
    }

    @Test
    void aCanaryServesItsShareOfKeysEachKeyWithOneVersionAndItsStateIntact() throws Exception {
        DB.execute(
                "CREATE TABLE canary_events (id VARCHAR(40) PRIMARY KEY, user_id VARCHAR(32),"
                        + " served_by VARCHAR(8), n INT)");
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("sink.tables.allowed", "canary_events");
            long id =
                    job.rules.insert("shop", "order", "main", "groovy", script("live"), CONFIG, 0);
            job.start();

            RolloutSql.start(DB, id, script("cand"), "canary", 10.0);
            awaitCandidateServes(job, "m10", k -> CanarySplit.servesCandidate(RULE, k, 10));
            phase(job, "a", 10);

            RolloutSql.percent(DB, id, 50);
            awaitCandidateServes(
                    job,
                    "m50",
                    k ->
                            CanarySplit.servesCandidate(RULE, k, 50)
                                    && !CanarySplit.servesCandidate(RULE, k, 10));
            phase(job, "b", 50);
            assertEquals(List.of(), job.dlq().all(), "no event was rejected");
        }
    }

    /** 2,000 fresh keys, three events each, at {@code percent}. */
    private static void phase(JobFixture job, String prefix, double percent) {
        for (int round = 0; round < EVENTS_PER_KEY; round++) {
            for (int k = 0; k < KEYS; k++) {
                String user = prefix + "-" + k;
                job.send(user, event(user + "/" + round, "shop", "order", Map.of("user", user)));
            }
        }
        String like = "'" + prefix + "-%'";
        long deadline = System.nanoTime() + WAIT.toNanos();
        long count = 0;
        while (System.nanoTime() < deadline) {
            count =
                    ((Number)
                                    DB.query(
                                                    "SELECT COUNT(*) AS c FROM canary_events WHERE"
                                                            + " user_id LIKE "
                                                            + like)
                                            .get(0)
                                            .get("c"))
                            .longValue();
            if (count == (long) KEYS * EVENTS_PER_KEY) {
                break;
            }
            JobFixture.sleep(500);
        }
        assertEquals((long) KEYS * EVENTS_PER_KEY, count, "rows of phase " + prefix);

        Map<String, List<Map<String, Object>>> byUser = new TreeMap<>();
        for (Map<String, Object> row :
                DB.query(
                        "SELECT user_id, served_by, n FROM canary_events WHERE user_id LIKE "
                                + like
                                + " ORDER BY id")) {
            byUser.computeIfAbsent((String) row.get("user_id"), u -> new ArrayList<>()).add(row);
        }
        int candidateKeys = 0;
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : byUser.entrySet()) {
            Set<Object> versions = new HashSet<>();
            List<Integer> counts = new ArrayList<>();
            for (Map<String, Object> row : e.getValue()) {
                versions.add(row.get("served_by"));
                counts.add(((Number) row.get("n")).intValue());
            }
            String expected =
                    CanarySplit.servesCandidate(RULE, e.getKey(), percent) ? "cand" : "live";
            if (!versions.equals(Set.of(expected)) || !counts.equals(List.of(1, 2, 3))) {
                wrong.add(e.getKey() + " " + versions + " " + counts);
            }
            if (versions.contains("cand")) {
                candidateKeys++;
            }
        }
        assertEquals(List.of(), wrong, "keys served by another version or with broken state");
        double share = 100.0 * candidateKeys / KEYS;
        System.out.printf("canary %s %% served %.2f %% of %d keys%n", percent, share, KEYS);
        assertTrue(
                Math.abs(share - percent) <= 3,
                "candidate served " + share + " % of keys at " + percent + " %");
    }

    /**
     * Sends a marker event under 16 keys the candidate must serve until each row says so, so that
     * both routing instances run the new canary setting before a phase starts.
     */
    private static void awaitCandidateServes(
            JobFixture job, String prefix, Predicate<String> candidateKey) {
        Set<String> waiting = new HashSet<>();
        for (int i = 0; waiting.size() < 16; i++) {
            if (candidateKey.test(prefix + "-" + i)) {
                waiting.add(prefix + "-" + i);
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int round = 0; !waiting.isEmpty(); round++) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the candidate never served " + waiting);
            }
            for (String k : waiting) {
                job.send(k, event(k + "/" + round, "shop", "order", Map.of("user", k)));
            }
            JobFixture.sleep(700);
            for (Map<String, Object> row :
                    DB.query(
                            "SELECT user_id FROM canary_events WHERE served_by = 'cand'"
                                    + " AND user_id LIKE '"
                                    + prefix
                                    + "-%'")) {
                waiting.remove(row.get("user_id"));
            }
        }
    }
}
