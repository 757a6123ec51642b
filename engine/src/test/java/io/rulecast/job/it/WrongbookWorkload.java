package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The failure tests' stream: wrongbook adds (a Groovy rule) and fixes (a JavaScript rule) of 200
 * entries of 40 students, keyed by student, filling one wide-table row per entry and one row per
 * event in an event log. The expected tables are computed here from the events, independently of
 * the engine, so a test compares the whole database with what exactly-once processing gives:
 *
 * <ul>
 *   <li>{@code rel_wide}: a lost event leaves a column behind; a replayed event that was applied
 *       twice to {@code ctx.state} shows in {@code wrong_count} (the count of adds, taken from
 *       {@code ctx.state.incr}); a write applied out of order leaves an older value ("regressed");
 *   <li>{@code rel_events}: one row per event, so a lost event is a missing row.
 * </ul>
 */
final class WrongbookWorkload {
    static final String WIDE = "rel_wide";
    static final String LOG = "rel_events";
    static final long T0 = 1_763_800_000_000L;

    static final String ADD_RULE =
            "def p = event.payload\n"
                    + "def n = ctx.state.incr('wc:' + p.wrongbookId, 1)\n"
                    + "ctx.metric('wrongbook.added', n, [subject: p.subject])\n"
                    + "ctx.upsert('"
                    + LOG
                    + "', [event_id: event.eventId, wrongbook_id: p.wrongbookId, kind: 'add'])\n"
                    + "return [wrongbook_id: p.wrongbookId, user_id: p.userId, subject: p.subject,"
                    + " wrong_count: n, last_add: event.timestamp, status: 'OPEN']";

    static final String FIX_RULE =
            "const p = event.payload;\n"
                    + "if (p.method === 'teacher') {\n"
                    + "  ctx.alert('INFO', 'fixed with a teacher', {wrongbookId: p.wrongbookId});\n"
                    + "}\n"
                    + "ctx.upsert('"
                    + LOG
                    + "', {event_id: event.eventId, wrongbook_id: p.wrongbookId, kind: 'fix'});\n"
                    + "return {wrongbook_id: p.wrongbookId, status: 'FIXED',"
                    + " fix_time: event.timestamp, fix_method: p.method};";

    private static final String[] SUBJECTS = {"math", "physics", "chemistry", "english"};
    private static final String[] METHODS = {"redo", "video", "teacher"};

    /** One event: its Kafka key (the student), its JSON, and what the tables expect of it. */
    record Event(
            String key,
            String eventId,
            String type,
            long timestamp,
            Map<String, Object> payload,
            String json) {}

    final List<Event> events;

    /** {@code n} events from a fixed seed: the same stream on every run. */
    WrongbookWorkload(int n) {
        Random r = new Random(7);
        List<Event> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int user = r.nextInt(40);
            int entry = r.nextInt(5);
            String userId = "u-" + user;
            String id = "wb-" + user + "-" + entry;
            boolean add = r.nextInt(10) < 7;
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("wrongbookId", id);
            payload.put("userId", userId);
            if (add) {
                payload.put("subject", SUBJECTS[(user + entry) % SUBJECTS.length]);
            } else {
                payload.put("method", METHODS[r.nextInt(METHODS.length)]);
            }
            String type = add ? "wrongbook_add" : "wrongbook_fix";
            String eventId = "ev-" + i;
            long ts = T0 + i * 1000L;
            list.add(
                    new Event(
                            userId,
                            eventId,
                            type,
                            ts,
                            payload,
                            JobFixture.event(eventId, "wrongbook", type, ts, payload)));
        }
        this.events = List.copyOf(list);
    }

    /** Creates the tables and the two rules, and lets the job write the tables. */
    static void install(JobFixture job) {
        job.db.execute(
                "DROP TABLE IF EXISTS " + WIDE,
                "DROP TABLE IF EXISTS " + LOG,
                "CREATE TABLE "
                        + WIDE
                        + " (wrongbook_id VARCHAR(32) PRIMARY KEY, user_id VARCHAR(16),"
                        + " subject VARCHAR(16), wrong_count INT, last_add BIGINT,"
                        + " status VARCHAR(8), fix_time BIGINT, fix_method VARCHAR(16))",
                "CREATE TABLE "
                        + LOG
                        + " (event_id VARCHAR(32) PRIMARY KEY, wrongbook_id VARCHAR(32),"
                        + " kind VARCHAR(8))");
        job.set("sink.tables.allowed", WIDE + "," + LOG);
        job.rules.insert(
                "wrongbook",
                "wrongbook_add",
                "main",
                "groovy",
                ADD_RULE,
                "{\"output_table\": \"" + WIDE + "\"}",
                0);
        job.rules.insert(
                "wrongbook",
                "wrongbook_fix",
                "main",
                "js",
                FIX_RULE,
                "{\"output_table\": \"" + WIDE + "\"}",
                0);
    }

    /** The wide table exactly-once processing of every event gives, ordered by key. */
    List<Map<String, Object>> expectedWide() {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (Event e : events) {
            Map<String, Object> payload = e.payload();
            String id = (String) payload.get("wrongbookId");
            long ts = e.timestamp();
            Map<String, Object> row =
                    rows.computeIfAbsent(
                            id,
                            k -> {
                                Map<String, Object> fresh = new LinkedHashMap<>();
                                fresh.put("wrongbook_id", k);
                                fresh.put("user_id", null);
                                fresh.put("subject", null);
                                fresh.put("wrong_count", null);
                                fresh.put("last_add", null);
                                fresh.put("status", null);
                                fresh.put("fix_time", null);
                                fresh.put("fix_method", null);
                                return fresh;
                            });
            if (e.type().equals("wrongbook_add")) {
                row.put("user_id", payload.get("userId"));
                row.put("subject", payload.get("subject"));
                Integer count = (Integer) row.get("wrong_count");
                row.put("wrong_count", count == null ? 1 : count + 1);
                row.put("last_add", ts);
                row.put("status", "OPEN");
            } else {
                row.put("status", "FIXED");
                row.put("fix_time", ts);
                row.put("fix_method", payload.get("method"));
            }
        }
        return new ArrayList<>(rows.values());
    }

    /**
     * The {@code wrongbook.added} metric exactly-once processing gives, by event id: the add count
     * of the entry after that event (a replay computes the same value from the restored state).
     */
    Map<String, Integer> expectedMetrics() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        Map<String, Integer> metrics = new TreeMap<>();
        for (Event e : events) {
            if (e.type().equals("wrongbook_add")) {
                int n = counts.merge((String) e.payload().get("wrongbookId"), 1, Integer::sum);
                metrics.put(e.eventId(), n);
            }
        }
        return metrics;
    }

    /** The events the fix rule raises an alert for: fixes with a teacher. */
    java.util.Set<String> expectedAlerts() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (Event e : events) {
            if ("teacher".equals(e.payload().get("method"))) {
                ids.add(e.eventId());
            }
        }
        return ids;
    }

    /**
     * Waits until the metrics and alerts topics hold the outputs of every event, then checks them:
     * each metric with the value exactly-once processing gives. {@code exactlyOnce}: each output
     * once (the job's topics are read committed-only); otherwise duplicates of replayed events are
     * allowed, but no output is missing and none is wrong.
     */
    void awaitOutputs(JobFixture job, boolean exactlyOnce, Duration timeout) {
        Map<String, Integer> metrics = expectedMetrics();
        java.util.Set<String> alerts = expectedAlerts();
        java.util.function.Predicate<TopicWatcher.Received> ours =
                r -> String.valueOf(r.json().get("eventId")).startsWith("ev-");
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Integer> seenMetrics;
        java.util.Set<String> seenAlerts;
        do {
            seenMetrics = new TreeMap<>();
            for (TopicWatcher.Received r : job.metrics().matching(ours)) {
                seenMetrics.put(
                        (String) r.json().get("eventId"),
                        ((Number) r.json().get("value")).intValue());
            }
            seenAlerts = new java.util.TreeSet<>();
            for (TopicWatcher.Received r : job.alerts().matching(ours)) {
                seenAlerts.add((String) r.json().get("eventId"));
            }
            if (seenMetrics.keySet().equals(metrics.keySet()) && seenAlerts.equals(alerts)) {
                break;
            }
            JobFixture.sleep(250);
        } while (System.nanoTime() < deadline);
        assertEquals(alerts, seenAlerts, "alerts: one per fix with a teacher");
        assertEquals(metrics.keySet(), seenMetrics.keySet(), "metrics: one per add");
        for (TopicWatcher.Received r : job.metrics().matching(ours)) {
            String id = (String) r.json().get("eventId");
            assertEquals(
                    metrics.get(id),
                    ((Number) r.json().get("value")).intValue(),
                    "metric of " + id + " (the add count from ctx.state): " + r);
        }
        if (exactlyOnce) {
            assertEquals(metrics.size(), job.metrics().matching(ours).size(), "no metric twice");
            assertEquals(alerts.size(), job.alerts().matching(ours).size(), "no alert twice");
        }
    }

    /** The event log exactly-once processing gives: one row per event, ordered by event id. */
    List<Map<String, Object>> expectedLog() {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (Event e : events) {
            Map<String, Object> payload = e.payload();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("event_id", e.eventId());
            row.put("wrongbook_id", payload.get("wrongbookId"));
            row.put("kind", e.type().equals("wrongbook_add") ? "add" : "fix");
            rows.put(e.eventId(), row);
        }
        return new ArrayList<>(rows.values());
    }

    /**
     * Sends the events in order on a background thread, {@code perSecond} at most, so that a fault
     * injected meanwhile hits a stream in motion. Each send waits for the broker's acknowledgement
     * (and so waits out a broker restart).
     */
    Producer produce(JobFixture job, int perSecond) {
        return new Producer(job, perSecond);
    }

    /** The sending thread of {@link #produce}. */
    final class Producer implements AutoCloseable {
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicReference<Throwable> error = new AtomicReference<>();
        private final Thread thread;
        private volatile boolean stop;

        private Producer(JobFixture job, int perSecond) {
            long gapNanos = 1_000_000_000L / perSecond;
            thread =
                    new Thread(
                            () -> {
                                long next = System.nanoTime();
                                try {
                                    for (Event e : events) {
                                        if (stop) {
                                            return;
                                        }
                                        job.send(e.key(), e.json());
                                        sent.incrementAndGet();
                                        next += gapNanos;
                                        long wait = next - System.nanoTime();
                                        if (wait > 0) {
                                            Thread.sleep(
                                                    wait / 1_000_000, (int) (wait % 1_000_000));
                                        }
                                    }
                                } catch (Throwable t) {
                                    error.set(t);
                                }
                            },
                            "workload-producer");
            thread.setDaemon(true);
            thread.start();
        }

        int sent() {
            return sent.get();
        }

        /** Waits until {@code n} events were acknowledged by the broker. */
        void awaitSent(int n, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (sent.get() < n) {
                if (error.get() != null) {
                    throw new AssertionError("producing failed", error.get());
                }
                if (System.nanoTime() > deadline) {
                    fail("only " + sent.get() + " of " + n + " events sent within " + timeout);
                }
                JobFixture.sleep(20);
            }
        }

        /** Waits until every event was acknowledged. */
        void awaitAll(Duration timeout) {
            awaitSent(events.size(), timeout);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    /**
     * Waits until both tables equal what exactly-once processing of every event gives, then asserts
     * it (so a failure shows the difference).
     */
    void awaitExactTables(MariaDbExtension db, Duration timeout) {
        List<Map<String, Object>> wide = expectedWide();
        List<Map<String, Object>> log = expectedLog();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Map<String, Object>> actualWide;
        List<Map<String, Object>> actualLog;
        do {
            actualWide = db.query("SELECT * FROM " + WIDE + " ORDER BY wrongbook_id");
            actualLog = db.query("SELECT * FROM " + LOG + " ORDER BY event_id");
            if (actualWide.equals(wide) && actualLog.equals(log)) {
                return;
            }
            JobFixture.sleep(250);
        } while (System.nanoTime() < deadline);
        java.util.Set<Object> seen = new java.util.HashSet<>();
        actualLog.forEach(r -> seen.add(r.get("event_id")));
        List<Object> missing =
                log.stream().map(r -> r.get("event_id")).filter(id -> !seen.contains(id)).toList();
        assertEquals(
                log.size(),
                actualLog.size(),
                "rows in " + LOG + " (one per event); missing events: " + missing);
        assertEquals(log, actualLog, LOG);
        assertEquals(wide.size(), actualWide.size(), "rows in " + WIDE);
        for (int i = 0; i < wide.size(); i++) {
            assertEquals(wide.get(i), actualWide.get(i), WIDE + " row " + i);
        }
    }

    /** Rows of the event log so far. */
    static long logRows(MariaDbExtension db) {
        return ((Number) db.query("SELECT COUNT(*) AS n FROM " + LOG).get(0).get("n")).longValue();
    }

    /** Waits until the job has written at least {@code n} event-log rows. */
    static void awaitLogRows(MariaDbExtension db, long n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (logRows(db) < n) {
            if (System.nanoTime() > deadline) {
                fail("fewer than " + n + " events reached " + LOG + " within " + timeout);
            }
            JobFixture.sleep(100);
        }
    }
}
