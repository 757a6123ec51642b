package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rulecast status} against a running {@code rulecast run} with events flowing: every rule
 * shows non-zero events/s; then, on the same job, the rollout commands ({@link RolloutSteps}); with
 * nothing listening it prints one line and exits 2.
 */
class StatusCommandITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir Path dir;

    private static String[] withDb(String... args) {
        return RunFixture.withDb(DB, args);
    }

    @Test
    void showsEveryRuleOfARunningJobWithItsEventsPerSecondThenItsRollouts() throws Exception {
        assertEquals(0, CliRun.of(withDb("db", "migrate")).exitCode());
        List<String> rules = List.of("shop/order/main", "shop/order/audit", "shop/refund/main");
        for (String rule : rules) {
            String[] p = rule.split("/");
            Path script =
                    Files.writeString(dir.resolve(p[1] + "-" + p[2] + ".groovy"), "return null");
            CliRun push =
                    CliRun.of(
                            withDb(
                                    "push",
                                    script.toString(),
                                    "--domain",
                                    p[0],
                                    "--type",
                                    p[1],
                                    "--name",
                                    p[2]));
            assertEquals(0, push.exitCode(), push.toString());
        }
        String topic = KAFKA.createTopic("status-events");
        String shadowTopic = KAFKA.createTopic("status-shadow");
        String jobName = "status-it-" + UUID.randomUUID();
        Path props =
                RunFixture.properties(
                        dir,
                        KAFKA,
                        "status",
                        topic,
                        "checkpoint.dir=" + dir.resolve("checkpoints"),
                        "job.name=" + jobName,
                        "metrics.prometheus.port=0",
                        "script.timeout=5 s",
                        "topic.shadow=" + shadowTopic,
                        "rules.poll.interval=200 ms");
        CompletableFuture<CliRun> run =
                CompletableFuture.supplyAsync(
                        () ->
                                CliRun.of(
                                        withDb(
                                                "run",
                                                "--config",
                                                props.toString(),
                                                "--stop-after",
                                                "140",
                                                "--parallelism",
                                                "2")));
        Path events = dir.resolve("events.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            lines.append(event("order", i)).append('\n').append(event("refund", i)).append('\n');
        }
        Files.writeString(events, lines);
        RunFixture.Producing producer = new RunFixture.Producing(KAFKA, topic, events);
        try {
            String url = awaitRestAddress(jobName, run);
            CliRun status = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                CliRun look =
                        CliRun.of(
                                "status", "--flink-rest", url, "--job", jobName, "--interval", "2");
                assertEquals(0, look.exitCode(), look.toString());
                status = look;
                if (rules.stream().allMatch(r -> eventsPerSecond(look.out(), r) > 0)) {
                    break;
                }
                sleep(1000);
            }
            for (String r : rules) {
                assertTrue(eventsPerSecond(status.out(), r) > 0, r + " in\n" + status.out());
            }
            assertTrue(status.out().contains("rules staleness"), status.out());
            assertTrue(status.out().contains("closed"), status.out());

            // The same job serves the rollout commands' test.
            RolloutSteps.run(DB, KAFKA, dir, url, jobName, shadowTopic);
        } finally {
            producer.close();
            CliRun r = run.get(180, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("Flink REST API at http://localhost:"), r.toString());
        }
    }

    @Test
    void saysInOneLineThatNoJobAnswers() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun status =
                CliRun.of(
                        "status", "--flink-rest", "http://127.0.0.1:" + port, "--interval", "0.1");
        assertEquals(2, status.exitCode(), status.toString());
        assertEquals(1, status.errLines().size(), status.toString());
        assertTrue(status.err().contains("cannot reach the Flink REST API"), status.toString());
        assertEquals("", status.out());
    }

    /** The EVENTS/S cell of {@code rule}'s line, or -1 when the rule has no line. */
    static double eventsPerSecond(String table, String rule) {
        for (String line : table.split("\n")) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length > 1 && cells[0].equals(rule)) {
                return Double.parseDouble(cells[1]);
            }
        }
        return -1;
    }

    private static String event(String type, int i) {
        return "{\"eventId\":\""
                + type
                + "-"
                + UUID.randomUUID()
                + "\",\"domain\":\"shop\",\"type\":\""
                + type
                + "\",\"timestamp\":1,\"payload\":{\"n\":"
                + i
                + "}}";
    }

    /** Scans the ports 'rulecast run' tries for the REST API whose cluster runs {@code jobName}. */
    static String awaitRestAddress(String jobName, CompletableFuture<CliRun> run) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                fail("rulecast run ended: " + run.get());
            }
            for (int port = 8081; port <= 8099; port++) {
                String url = "http://localhost:" + port;
                try {
                    HttpResponse<String> r =
                            http.send(
                                    HttpRequest.newBuilder(URI.create(url + "/jobs/overview"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    if (r.body().contains(jobName) && r.body().contains("RUNNING")) {
                        return url;
                    }
                } catch (java.io.IOException e) {
                    // nothing there
                }
            }
            sleep(1000);
        }
        throw new AssertionError("no REST API of a running " + jobName + " on ports 8081-8099");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
