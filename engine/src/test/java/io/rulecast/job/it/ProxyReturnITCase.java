package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.Json;
import io.rulecast.job.output.Messages;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rules whose returned value carries code of its own — a closure coerced to {@code Map} that throws
 * or loops, a list holding one, a lazy GString, a JavaScript Proxy with a looping trap — are pushed
 * with plain SQL while the wrongbook stream flows. Their events are dead-lettered, the wrongbook
 * tables stay exact, and the job never restarts: the value's code never runs after the guard, and
 * nothing it throws leaves the invocation.
 */
class ProxyReturnITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * The reasons a hostile rule's events may be dead-lettered with. A Groovy closure coerced to a
     * map is refused where the proxy would be made (SANDBOX_VIOLATION); the check of the returned
     * value is the second line of defence (ReturnedValueTest), and the lazy GString and the
     * JavaScript Proxy still reach it here.
     */
    private static final Set<String> REASONS =
            Set.of(
                    "BAD_RETURN",
                    "TIMEOUT",
                    "SANDBOX_VIOLATION",
                    Messages.CIRCUIT_OPEN,
                    DeadLetterReason.NO_RULE.name());

    private record Hostile(String type, String language, String script) {
        String rule() {
            return "wrongbook/" + type + "/main";
        }
    }

    private static final List<Hostile> HOSTILE =
            List.of(
                    new Hostile(
                            "proxy_throw",
                            "groovy",
                            "return { -> throw new RuntimeException('boom') } as Map"),
                    new Hostile("proxy_loop", "groovy", "return { -> while (true) {} } as Map"),
                    new Hostile(
                            "proxy_list",
                            "groovy",
                            "return [[a: 1], { -> throw new RuntimeException('boom') } as Map]"),
                    new Hostile("gstring_lazy", "groovy", "return [a: \"${-> while (true) {} }\"]"),
                    new Hostile(
                            "proxy_js",
                            "js",
                            "return new Proxy({a: 1}, {get() { while (true) {} }});"));

    @Test
    void returnedProxiesAreDeadLetteredAndTheJobNeverRestarts(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(3000);
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("script.timeout", "500 ms");
            job.set("events.unrouted.dead-letter", "true");
            WrongbookWorkload.install(job);
            job.start();
            URI rest = cluster.getRestAddress().get(10, TimeUnit.SECONDS);
            List<String> hostileIds = new ArrayList<>();
            try (WrongbookWorkload.Producer producer = workload.produce(job, 250)) {
                WrongbookWorkload.awaitLogRows(DB, 300, WAIT);
                for (Hostile h : HOSTILE) {
                    // With an output table, so a returned map is really converted.
                    job.rules.insert(
                            "wrongbook",
                            h.type(),
                            "main",
                            h.language(),
                            h.script(),
                            "{\"output_table\":\"proxy_out\"}",
                            0);
                }
                for (Hostile h : HOSTILE) {
                    // Events until three were dead-lettered by the rule itself (not NO_RULE).
                    int stopped = 0;
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    for (int i = 0; stopped < 3; i++) {
                        assertTrue(
                                System.nanoTime() < deadline,
                                () ->
                                        h.rule()
                                                + " did not dead-letter its events within "
                                                + WAIT
                                                + "; restarts: "
                                                + restarts(rest, job)
                                                + ", exceptions: "
                                                + exceptions(rest, job));
                        String id = "hostile-" + h.type() + "-" + i;
                        hostileIds.add(id);
                        job.send("hostile-" + h.type(), event(id, "wrongbook", h.type(), Map.of()));
                        TopicWatcher.Received r;
                        try {
                            r = job.dlq().await(x -> id.equals(eventIdOf(x)), WAIT);
                        } catch (AssertionError e) {
                            throw new AssertionError(
                                    id
                                            + " was not dead-lettered; restarts: "
                                            + restarts(rest, job)
                                            + ", exceptions: "
                                            + exceptions(rest, job),
                                    e);
                        }
                        String reason = r.header(Messages.HEADER_REASON);
                        assertTrue(REASONS.contains(reason), h.rule() + ": " + r);
                        if (!DeadLetterReason.NO_RULE.name().equals(reason)) {
                            assertEquals(h.rule(), r.header(Messages.HEADER_RULE), r.toString());
                            stopped++;
                        }
                    }
                }
                producer.awaitAll(WAIT);
            }
            workload.awaitExactTables(DB, WAIT);

            List<TopicWatcher.Received> dead =
                    job.dlq()
                            .matching(
                                    r ->
                                            !(eventIdOf(r).startsWith("probe-")
                                                    && DeadLetterReason.NO_RULE
                                                            .name()
                                                            .equals(
                                                                    r.header(
                                                                            Messages
                                                                                    .HEADER_REASON))));
            for (TopicWatcher.Received r : dead) {
                assertTrue(hostileIds.contains(eventIdOf(r)), "only hostile events are dead: " + r);
            }
            assertEquals(hostileIds.size(), dead.size(), "each hostile event dead-lettered once");
            assertEquals(
                    0L,
                    restarts(rest, job),
                    () -> "restarts; exceptions: " + exceptions(rest, job));
            Map<?, ?> details = (Map<?, ?>) get(rest, "jobs/" + job.jobId());
            assertEquals(
                    0L,
                    ((Number) ((Map<?, ?>) details.get("timestamps")).get("RESTARTING"))
                            .longValue(),
                    "the job was never RESTARTING");
            assertEquals(List.of(), exceptions(rest, job), "the job's exception history");
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }

    private static String eventIdOf(TopicWatcher.Received r) {
        return r.header(Messages.HEADER_EVENT_ID);
    }

    /**
     * How often the job restarted, through the MiniCluster's REST API: the {@code numRestarts}
     * metric (counts regional restarts too), once the metric fetcher has it; otherwise -1 if the
     * job never was in RESTARTING, else the number of failures in its exception history.
     */
    private static long restarts(URI rest, JobFixture job) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        do {
            Object body = get(rest, "jobs/" + job.jobId() + "/metrics?get=numRestarts");
            for (Object o : (List<?>) body) {
                Map<?, ?> m = (Map<?, ?>) o;
                if ("numRestarts".equals(m.get("id"))) {
                    return Long.parseLong(String.valueOf(m.get("value")));
                }
            }
            JobFixture.sleep(500);
        } while (System.nanoTime() < deadline);
        Map<?, ?> details = (Map<?, ?>) get(rest, "jobs/" + job.jobId());
        Object restarting = ((Map<?, ?>) details.get("timestamps")).get("RESTARTING");
        List<String> failures = exceptions(rest, job);
        return ((Number) restarting).longValue() == 0 && failures.isEmpty() ? 0 : failures.size();
    }

    /** The root exceptions of the job's exception history (empty if it never failed). */
    private static List<String> exceptions(URI rest, JobFixture job) {
        Map<?, ?> body = (Map<?, ?>) get(rest, "jobs/" + job.jobId() + "/exceptions");
        Map<?, ?> history = (Map<?, ?>) body.get("exceptionHistory");
        List<String> out = new ArrayList<>();
        for (Object e : (List<?>) history.get("entries")) {
            String s = String.valueOf(((Map<?, ?>) e).get("stacktrace"));
            out.add(s.length() > 600 ? s.substring(0, 600) : s);
        }
        return out;
    }

    private static Object get(URI rest, String path) {
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(rest.resolve("/" + path))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            return Json.MAPPER.readValue(r.body(), Object.class);
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path, e);
        }
    }
}
