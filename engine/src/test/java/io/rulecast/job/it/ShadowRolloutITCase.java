package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.routing.CandidateRunner;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.routing.KeyPath;
import io.rulecast.routing.ReplayEngine;
import io.rulecast.routing.RuleRunner;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.VersionHash;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A shadow candidate started with a raw SQL UPDATE on a running job writes nothing, and reports on
 * {@code topic.shadow} exactly the events that replay with the candidate (the routing core's {@link
 * ReplayEngine}, in-process) finds differing. Raw SQL ends a rollout and promotes its candidate.
 */
class ShadowRolloutITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CONFIG = "{\"output_table\": \"shadow_wide\"}";

    /** Counts per user in state; an order above 50 is big. */
    static final String LIVE =
            "def n = ctx.state.incr('n', 1)\n"
                    + "return [id: event.eventId, user_id: event.payload.user, n: n,"
                    + " size: event.payload.amount > 50 ? 'big' : 'small']";

    /** The candidate draws the line at 40: it differs on amounts 41..50 only. */
    static final String CANDIDATE =
            "def n = ctx.state.incr('n', 1)\n"
                    + "return [id: event.eventId, user_id: event.payload.user, n: n,"
                    + " size: event.payload.amount > 40 ? 'big' : 'small']";

    @Test
    void aShadowCandidateWritesNothingAndReportsExactlyTheEventsReplayFindsDiffering()
            throws Exception {
        DB.execute(
                "CREATE TABLE shadow_wide (id VARCHAR(32) PRIMARY KEY, user_id VARCHAR(32),"
                        + " n INT, size VARCHAR(8))");
        String shadowTopic = KAFKA.createTopic("shadow", 1);
        try (JobFixture job = new JobFixture(KAFKA, DB);
                TopicWatcher shadow = new TopicWatcher(KAFKA.bootstrapServers(), shadowTopic)) {
            job.set("sink.tables.allowed", "shadow_wide").set("topic.shadow", shadowTopic);
            long id = job.rules.insert("shop", "order", "main", "groovy", LIVE, CONFIG, 0);
            job.start();

            RolloutSql.start(DB, id, CANDIDATE, "shadow", null);
            awaitShadowOnEveryInstance(job, shadow);

            List<String> events = new ArrayList<>();
            Map<String, Integer> counts = new HashMap<>();
            List<Map<String, Object>> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String user = "u" + (i % 23);
                int amount = (i * 37) % 100;
                String e = event("e-" + i, "shop", "order", Map.of("user", user, "amount", amount));
                events.add(e);
                job.send(user, e);
                int n = counts.merge(user, 1, Integer::sum);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", "e-" + i);
                row.put("user_id", user);
                row.put("n", n);
                row.put("size", amount > 50 ? "big" : "small");
                expected.add(row);
            }
            expected.sort((a, b) -> ((String) a.get("id")).compareTo((String) b.get("id")));

            Set<String> replayed = replayDiffering(events);
            assertFalse(replayed.isEmpty(), "the candidate differs on amounts 41..50");

            List<Map<String, Object>> actual = List.of();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                actual = DB.query("SELECT * FROM shadow_wide WHERE id LIKE 'e-%' ORDER BY id");
                if (actual.equals(expected)) {
                    break;
                }
                JobFixture.sleep(200);
            }
            assertEquals(expected, actual, "the wide table holds the live version's rows only");

            shadow.awaitCount(r -> workload(r), replayed.size(), WAIT);
            JobFixture.sleep(2000); // anything more would show up by now
            Set<String> reported = new TreeSet<>();
            for (TopicWatcher.Received r : shadow.matching(ShadowRolloutITCase::workload)) {
                assertTrue(reported.add(eventId(r)), "one record per event: " + eventId(r));
                assertEquals("shop/order/main", r.key());
                Map<String, Object> json = r.json();
                assertEquals(VersionHash.of("groovy", LIVE, CONFIG), json.get("liveVersion"));
                assertEquals(
                        VersionHash.of("groovy", CANDIDATE, CONFIG), json.get("candidateVersion"));
                assertEquals(1, ((List<?>) json.get("live")).size());
                assertEquals(1, ((List<?>) json.get("candidate")).size());
            }
            assertEquals(replayed, reported);
            assertEquals(List.of(), job.dlq().all(), "no event was rejected");
        }
    }

    @Test
    void rawSqlEndsARolloutAndPromotesItsCandidate() throws Exception {
        String live = "ctx.metric('v', 1, [:]); return null";
        String candidate = "ctx.metric('v', 2, [:]); return null";
        String shadowTopic = KAFKA.createTopic("shadow", 1);
        try (JobFixture job = new JobFixture(KAFKA, DB);
                TopicWatcher shadow = new TopicWatcher(KAFKA.bootstrapServers(), shadowTopic)) {
            job.set("topic.shadow", shadowTopic);
            long id = job.rules.insert("shop", "price", live);
            job.start();

            RolloutSql.start(DB, id, candidate, "shadow", null);
            sendUntil(job, "s", () -> !shadow.all().isEmpty());

            // abort: the header of V3__rollouts.sql
            DB.execute(
                    "UPDATE routing_configs SET rollout_mode = NULL, candidate_language = NULL,"
                            + " candidate_script = NULL, candidate_config_json = NULL WHERE id = "
                            + id);
            JobFixture.sleep(2000); // > rules.poll.interval
            for (int i = 0; i < 16; i++) {
                job.send("a" + i, event("a-" + i, "shop", "price", Map.of()));
            }
            job.metrics().awaitCount(r -> eventId(r).startsWith("a-"), 16, WAIT);
            JobFixture.sleep(1000);
            assertEquals(
                    List.of(),
                    shadow.matching(r -> eventId(r).startsWith("a-")),
                    "no shadow run after the abort");

            // promote: the candidate becomes the live version in one statement
            RolloutSql.start(DB, id, candidate, "shadow", null);
            DB.execute(
                    "UPDATE routing_configs SET language = candidate_language, script ="
                            + " candidate_script, config_json = candidate_config_json,"
                            + " rollout_mode = NULL, candidate_language = NULL, candidate_script ="
                            + " NULL, candidate_config_json = NULL WHERE id = "
                            + id);
            String promoted = VersionHash.of("groovy", candidate, null);
            sendUntil(
                    job,
                    "p",
                    () ->
                            !job.metrics()
                                    .matching(r -> promoted.equals(r.json().get("version")))
                                    .isEmpty());
            for (int i = 0; i < 16; i++) {
                job.send("q" + i, event("q-" + i, "shop", "price", Map.of()));
            }
            List<TopicWatcher.Received> after =
                    job.metrics().awaitCount(r -> eventId(r).startsWith("q-"), 16, WAIT);
            for (TopicWatcher.Received r : after) {
                assertEquals(2, ((Number) r.json().get("value")).intValue());
                assertEquals(promoted, r.json().get("version"));
            }
            JobFixture.sleep(1000);
            assertEquals(List.of(), shadow.matching(r -> eventId(r).startsWith("q-")));
        }
    }

    /** Sends events under changing keys until {@code done}. */
    private static void sendUntil(JobFixture job, String prefix, BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int n = 0; !done.getAsBoolean(); n++) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up sending " + prefix + " events");
            }
            job.send(prefix + n, event(prefix + "-" + n, "shop", "price", Map.of()));
            JobFixture.sleep(100);
        }
    }

    private static boolean workload(TopicWatcher.Received r) {
        return eventId(r).startsWith("e-");
    }

    private static String eventId(TopicWatcher.Received r) {
        return String.valueOf(r.json().get("eventId"));
    }

    /**
     * Sends marker events (amount 45: the versions differ) under 16 keys until each yields a shadow
     * record, so that both routing instances run the candidate before the workload starts.
     */
    private static void awaitShadowOnEveryInstance(JobFixture job, TopicWatcher shadow) {
        Set<String> waiting = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            waiting.add("m-" + i);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int round = 0; !waiting.isEmpty(); round++) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no shadow records for " + waiting);
            }
            for (String m : waiting) {
                job.send(
                        m,
                        event(m + "-" + round, "shop", "order", Map.of("user", m, "amount", 45)));
            }
            JobFixture.sleep(500);
            for (TopicWatcher.Received r : shadow.all()) {
                String id = eventId(r);
                waiting.remove(id.substring(0, id.lastIndexOf('-')));
            }
        }
    }

    /** The events whose candidate outputs differ, as replay with the candidate finds them. */
    static Set<String> replayDiffering(List<String> events) throws Exception {
        RuleId rule = new RuleId("shop", "order", "main");
        Set<String> differing = new TreeSet<>();
        try (ScriptRuntime runtime = new ScriptRuntime(RuntimeOptions.defaults());
                ReplayEngine engine =
                        new ReplayEngine(
                                runtime,
                                false,
                                List.of(
                                        new RuleDefinition(
                                                rule, Language.GROOVY, LIVE, CONFIG, 0, true)),
                                DimensionLookup.NONE,
                                new KeyPath("payload.user"),
                                null,
                                RuleRunner.WriteCheck.NONE,
                                EventParser.DEFAULT_MAX_BYTES)) {
            engine.shadow(new RuleDefinition(rule, Language.GROOVY, CANDIDATE, CONFIG, 0, true));
            ReplayEngine.Listener l =
                    new ReplayEngine.Listener() {
                        @Override
                        public void rejected(String id, DeadLetterReason r, String message) {
                            throw new AssertionError("rejected " + id + ": " + message);
                        }

                        @Override
                        public void ran(
                                BusinessEvent e, RunningRule r, String name, RuleRunner.Run run) {}

                        @Override
                        public void shadowed(
                                BusinessEvent e, String name, CandidateRunner.Shadow s) {
                            if (s.differing()) {
                                differing.add(e.eventId());
                            }
                        }
                    };
            for (String e : events) {
                engine.replay(e.getBytes(StandardCharsets.UTF_8), l);
            }
        }
        return differing;
    }
}
