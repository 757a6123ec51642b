package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server scrapes a running job — an embedded MiniCluster started by the job
 * itself with {@code metrics.prometheus.port}, a real broker and MariaDB, events flowing, one rule
 * failing on every event and one that does not compile — and evaluates the shipped alert rules:
 * every query of every panel of {@code deploy/grafana/rulecast.json} and every metric every alert
 * of {@code deploy/prometheus/rulecast-rules.yml} names return series through {@code
 * /api/v1/query}, and the failing rule's alerts fire.
 *
 * <p>It fails on a panel whose query names a metric that does not exist: run once (2026-12-04) with
 * {@code -Drulecast.dashboard=} a copy whose "Sink rows/s" query read {@code rowsWrittenTypo}, it
 * ended with "queries without series after 120 s ==> expected: <[]> but was: <[panel 'Sink rows/s'
 * #0: sum by (job_name) (rate(flink_taskmanager_job_task_operator_rowsWrittenTypo[1m]))]>".
 */
class PrometheusScrapeITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    static final Path DASHBOARD =
            Path.of(System.getProperty("rulecast.dashboard", "../deploy/grafana/rulecast.json"));
    static final Path RULES = Path.of("..", "deploy", "prometheus", "rulecast-rules.yml");

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern METRIC =
            Pattern.compile("\\b(flink_[A-Za-z0-9_]+|rulecast:[A-Za-z0-9_:]+)");

    @TempDir Path tmp;

    @Test
    void prometheusSeesEveryPanelAndAlertAndTheFailingRuleAlerts() throws Exception {
        Assumptions.assumeTrue(
                PrometheusServer.installed(),
                "no Prometheus at "
                        + PrometheusServer.BINARY
                        + " (apt-get install -y prometheus; .ci/run installs it)");
        int reporterPort = PrometheusServer.freePort();
        AtomicBoolean sending = new AtomicBoolean(true);
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("metrics.prometheus.port", Integer.toString(reporterPort))
                    // The broken rule's breaker opens after 10 failures; every 2 s one trial event
                    // fails again, so failures keep coming while the breaker is mostly open.
                    .set("breaker.failure-threshold", "10")
                    .set("breaker.cooldown", "2 s");
            job.rules.insert(
                    "shop", "order", "ctx.metric('amount', event.payload.n, [:]); return null");
            job.rules.insert(
                    "shop",
                    "order",
                    "broken",
                    "groovy",
                    "throw new IllegalStateException('failing on purpose')",
                    null,
                    1);
            job.rules.insert("shop", "refund", "return null");
            job.start();

            Thread sender =
                    new Thread(
                            () -> {
                                int i = 0;
                                while (sending.get()) {
                                    i++;
                                    job.send(
                                            "o" + i,
                                            event("o-" + i, "shop", "order", Map.of("n", i)));
                                    job.send("r" + i, event("r-" + i, "shop", "refund", Map.of()));
                                    JobFixture.sleep(50);
                                }
                            },
                            "events");
            sender.setDaemon(true);
            sender.start();

            String scrape = scrape(reporterPort);
            Files.writeString(Path.of("target", "prometheus-scrape.txt"), scrape);

            Path rules =
                    Files.writeString(tmp.resolve("rules.yml"), shortFor(Files.readString(RULES)));
            try (PrometheusServer prometheus =
                    new PrometheusServer("127.0.0.1:" + reporterPort, rules)) {
                // A version that does not compile, once Prometheus has seen the count before it
                // (its first scrape comes up to 5 s after start: target discovery is throttled).
                assertEquals(
                        List.of(),
                        awaitSeries(
                                prometheus,
                                Map.of(
                                        "compile failures before",
                                        "flink_taskmanager_job_task_operator_compileFailures")));
                Thread.sleep(2000);
                job.rules.insert("shop", "refund", "uncompilable", "groovy", "def x = ", null, 1);
                Map<String, String> queries = new LinkedHashMap<>(dashboardQueries());
                queries.putAll(alertMetricQueries());
                assertTrue(queries.size() > 20, "queries found: " + queries.keySet());

                List<String> empty = awaitSeries(prometheus, queries);
                assertEquals(
                        List.of(),
                        empty,
                        "queries without series after " + WAIT.toSeconds() + " s");

                Set<String> firing =
                        awaitFiring(
                                prometheus,
                                Set.of(
                                        "RulecastRuleErrorRate",
                                        "RulecastRuleFailures",
                                        "RulecastBreakerOpen",
                                        "RulecastDeadLetters",
                                        "RulecastCompileFailure"));
                assertEquals(Set.of(), firing, "alerts that did not fire for the broken rule");
                for (JsonNode group : prometheus.rules()) {
                    for (JsonNode rule : group.path("rules")) {
                        assertEquals(
                                "ok",
                                rule.path("health").asText(),
                                rule.path("name").asText()
                                        + ": "
                                        + rule.path("lastError").asText());
                    }
                }
            } finally {
                sending.set(false);
                sender.join(10_000);
            }
        }
    }

    /** The rules file with every {@code for:} shortened to 1 s, so alerts fire within the test. */
    static String shortFor(String rules) {
        return rules.replaceAll("(?m)^(\\s+for:\\s*).*$", "$11s");
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return http.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no Prometheus reporter on port " + port, e);
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Panel title → PromQL of every target of every panel, and every variable's {@code
     * label_values(metric, label)} as {@code metric}; variables match everything.
     */
    static Map<String, String> dashboardQueries() throws IOException {
        JsonNode d = new ObjectMapper().readTree(DASHBOARD.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : d.path("panels")) {
            int i = 0;
            for (JsonNode target : panel.path("targets")) {
                queries.put(
                        "panel '" + panel.path("title").asText() + "' #" + i++,
                        expand(target.path("expr").asText()));
            }
        }
        Pattern labelValues = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
        for (JsonNode v : d.path("templating").path("list")) {
            String q =
                    v.path("query").isObject()
                            ? v.path("query").path("query").asText()
                            : v.path("query").asText();
            Matcher m = labelValues.matcher(q);
            if (m.matches()) {
                queries.put(
                        "variable " + v.path("name").asText(),
                        "count by (" + m.group(2) + ") (" + expand(m.group(1)) + ")");
            }
        }
        return queries;
    }

    private static String expand(String expr) {
        return expr.replace("$__rate_interval", "1m")
                .replace("$__interval", "15s")
                .replaceAll("\\$\\{?(domain|event_type|rule)\\}?", ".*");
    }

    /** Every metric (and recording rule) the alert expressions name, each as a query of its own. */
    static Map<String, String> alertMetricQueries() throws IOException {
        JsonNode file = new YAMLMapper().readTree(RULES.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        Set<String> recorded = new LinkedHashSet<>();
        for (JsonNode group : file.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    recorded.add(rule.path("record").asText());
                }
            }
        }
        for (JsonNode group : file.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name =
                        rule.has("alert")
                                ? "alert " + rule.path("alert").asText()
                                : "record " + rule.path("record").asText();
                Matcher m = METRIC.matcher(rule.path("expr").asText());
                while (m.find()) {
                    queries.put(name + " names " + m.group(1), m.group(1));
                }
            }
        }
        assertTrue(!recorded.isEmpty() || !queries.isEmpty(), "no rules in " + RULES);
        return queries;
    }

    /** Waits until every query returns series; returns the ones that still do not. */
    private static List<String> awaitSeries(
            PrometheusServer prometheus, Map<String, String> queries) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> empty;
        do {
            empty = new ArrayList<>();
            for (Map.Entry<String, String> q : queries.entrySet()) {
                if (prometheus.query(q.getValue()).isEmpty()) {
                    empty.add(q.getKey() + ": " + q.getValue());
                }
            }
            if (!empty.isEmpty()) {
                Thread.sleep(2000);
            }
        } while (!empty.isEmpty() && System.nanoTime() < deadline);
        return empty;
    }

    /** Waits until each alert fires for the rule "broken" (or, for compile failures, at all). */
    private static Set<String> awaitFiring(PrometheusServer prometheus, Set<String> expected)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Set<String> missing = new LinkedHashSet<>(expected);
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            for (JsonNode a : prometheus.alerts()) {
                JsonNode labels = a.path("labels");
                boolean aboutBroken =
                        !labels.has("rule") || "broken".equals(labels.path("rule").asText());
                if ("firing".equals(a.path("state").asText()) && aboutBroken) {
                    missing.remove(labels.path("alertname").asText());
                }
            }
            if (!missing.isEmpty()) {
                Thread.sleep(1000);
            }
        }
        if (!missing.isEmpty()) {
            fail(
                    "alerts not firing: "
                            + missing
                            + "; alerts: "
                            + prometheus.alerts()
                            + "; compileFailures: "
                            + prometheus.query(
                                    "flink_taskmanager_job_task_operator_compileFailures[5m]"));
        }
        return missing;
    }
}
