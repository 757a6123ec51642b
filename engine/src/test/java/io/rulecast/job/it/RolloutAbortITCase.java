package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.runtime.VersionHash;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A shadow candidate that throws on 30 % of events aborts by itself on each instance: a {@code
 * ROLLOUT_ABORTED} alert, {@code rolloutState} 3, no more shadow runs, and the live version's rows
 * exact throughout. The job runs in its own embedded MiniCluster (as {@code rulecast run} does) so
 * that its Prometheus reporter shows the gauge.
 */
class RolloutAbortITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CONFIG = "{\"output_table\": \"abort_wide\"}";
    private static final String LIVE =
            "def n = ctx.state.incr('n', 1)\n"
                    + "return [id: event.eventId, user_id: event.payload.user, n: n]";
    private static final String CANDIDATE =
            "if (event.payload.x % 10 < 3) throw new IllegalStateException('candidate bug')\n"
                    + LIVE;

    @Test
    void aCandidateFailingOnAThirdOfEventsAbortsAndTheLiveVersionServesOn() throws Exception {
        DB.execute(
                "CREATE TABLE abort_wide (id VARCHAR(32) PRIMARY KEY, user_id VARCHAR(32), n INT)");
        String shadowTopic = KAFKA.createTopic("shadow", 1);
        int reporterPort = PrometheusServer.freePort();
        try (JobFixture job = new JobFixture(KAFKA, DB);
                TopicWatcher shadow = new TopicWatcher(KAFKA.bootstrapServers(), shadowTopic)) {
            job.set("sink.tables.allowed", "abort_wide")
                    .set("topic.shadow", shadowTopic)
                    .set("metrics.prometheus.port", Integer.toString(reporterPort));
            long id = job.rules.insert("shop", "order", "main", "groovy", LIVE, CONFIG, 0);
            job.start();
            RolloutSql.start(DB, id, CANDIDATE, "shadow", null);
            JobFixture.sleep(2000); // > rules.poll.interval: both instances have the candidate

            Map<String, Integer> counts = new HashMap<>();
            List<Map<String, Object>> expected = new ArrayList<>();
            send(job, "a", 400, counts, expected);

            List<TopicWatcher.Received> aborted =
                    job.alerts()
                            .awaitCount(
                                    r -> Messages.ROLLOUT_ABORTED.equals(r.json().get("code")),
                                    2,
                                    WAIT);
            for (TopicWatcher.Received r : aborted) {
                @SuppressWarnings("unchecked")
                Map<String, Object> f = (Map<String, Object>) r.json().get("fields");
                assertEquals("shop/order/main", f.get("rule"));
                assertEquals(VersionHash.of("groovy", LIVE, CONFIG), f.get("liveVersion"));
                assertEquals(
                        VersionHash.of("groovy", CANDIDATE, CONFIG), f.get("candidateVersion"));
                assertTrue(
                        String.valueOf(f.get("reason")).contains("rollout.max-failure-rate"),
                        "reason: " + f.get("reason"));
                // judged after rollout.min-events (20) invocations, at the first failure past 5 %
                assertTrue(((Number) f.get("invocations")).intValue() >= 20, f.toString());
            }
            assertEquals(
                    List.of(3, 3),
                    rolloutStates(reporterPort),
                    "rolloutState of both routing instances");

            // After the abort the candidate no longer runs: no shadow record for later events.
            int before = shadow.all().size();
            send(job, "b", 200, counts, expected);
            awaitTable(expected);
            JobFixture.sleep(1500);
            assertEquals(
                    List.of(),
                    shadow.matching(r -> String.valueOf(r.json().get("eventId")).startsWith("b-")),
                    "shadow records after the abort");
            assertTrue(before > 0, "the candidate's failures differed from live before the abort");
            assertEquals(List.of(), job.dlq().all(), "a shadow candidate's failures are not dead");
        }
    }

    private static void send(
            JobFixture job,
            String prefix,
            int n,
            Map<String, Integer> counts,
            List<Map<String, Object>> expected) {
        for (int i = 0; i < n; i++) {
            String user = "u" + (i % 40);
            String id = prefix + "-" + i;
            job.send(user, event(id, "shop", "order", Map.of("user", user, "x", i)));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("user_id", user);
            row.put("n", counts.merge(user, 1, Integer::sum));
            expected.add(row);
        }
    }

    private static void awaitTable(List<Map<String, Object>> expected) {
        List<Map<String, Object>> sorted = new ArrayList<>(expected);
        sorted.sort((a, b) -> ((String) a.get("id")).compareTo((String) b.get("id")));
        List<Map<String, Object>> actual = List.of();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            actual = DB.query("SELECT * FROM abort_wide ORDER BY id");
            if (actual.equals(sorted)) {
                return;
            }
            JobFixture.sleep(200);
        }
        assertEquals(sorted, actual, "the live version's rows");
    }

    /** The rolloutState gauge of shop/order/main on each subtask, from the Prometheus reporter. */
    private static List<Integer> rolloutStates(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Integer> states = new ArrayList<>();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body =
                        http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + port
                                                                        + "/metrics"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
            } catch (IOException e) {
                JobFixture.sleep(200);
                continue;
            }
            states.clear();
            for (String line : body.split("\n")) {
                if (line.contains("rolloutState{")
                        && line.contains("event_type=\"order\"")
                        && line.contains("rule=\"main\"")) {
                    states.add((int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
            if (states.equals(List.of(3, 3))) {
                return states;
            }
            JobFixture.sleep(500);
        }
        System.out.println(body);
        return states;
    }
}
