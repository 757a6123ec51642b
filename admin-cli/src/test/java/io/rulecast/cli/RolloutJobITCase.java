package io.rulecast.cli;

import static io.rulecast.cli.StatusCommandITCase.awaitRestAddress;
import static io.rulecast.cli.StatusCommandITCase.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout commands against a running {@code rulecast run}: {@code rollout start --shadow}
 * reaches the job, {@code rollout status} shows what the job counted and the differing events from
 * the shadow topic, {@code status} shows the candidate, {@code rollout abort} stops it, and a
 * canary then {@code rollout promote} makes the candidate the version the job runs.
 */
class RolloutJobITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String RULE = "shop/order/main";
    private static final String LIVE = "ctx.metric('v', 1, [:])\nreturn null";

    /** Differs from the live version on even n only. */
    private static final String CANDIDATE =
            "ctx.metric('v', event.payload.n % 2 == 0 ? 2 : 1, [:])\nreturn null";

    @TempDir Path dir;

    private static String[] withDb(String... args) {
        return RunFixture.withDb(DB, args);
    }

    @Test
    void shadowIsCountedAndSampledThenAbortedThenACanaryIsPromoted() throws Exception {
        assertEquals(0, CliRun.of(withDb("db", "migrate")).exitCode());
        Path live = Files.writeString(dir.resolve("live.groovy"), LIVE);
        Path candidate = Files.writeString(dir.resolve("candidate.groovy"), CANDIDATE);
        CliRun push =
                CliRun.of(withDb("push", live.toString(), "--domain", "shop", "--type", "order"));
        assertEquals(0, push.exitCode(), push.toString());

        String topic = KAFKA.createTopic("rollout-events");
        String shadowTopic = KAFKA.createTopic("rollout-shadow");
        String jobName = "rollout-it-" + UUID.randomUUID();
        Path props =
                RunFixture.properties(
                        dir,
                        KAFKA,
                        "rollout",
                        topic,
                        "topic.shadow=" + shadowTopic,
                        "checkpoint.dir=" + dir.resolve("checkpoints"),
                        "job.name=" + jobName,
                        "metrics.prometheus.port=0",
                        "script.timeout=5 s",
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
                                                "110",
                                                "--parallelism",
                                                "2")));
        Path events = dir.resolve("events.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            lines.append(
                            "{\"eventId\":\"o-"
                                    + i
                                    + "-"
                                    + UUID.randomUUID()
                                    + "\",\"domain\":\"shop\",\"type\":\"order\",\"timestamp\":1,"
                                    + "\"payload\":{\"n\":"
                                    + i
                                    + "}}")
                    .append('\n');
        }
        Files.writeString(events, lines);
        RunFixture.Producing producer = new RunFixture.Producing(KAFKA, topic, events);
        try {
            String url = awaitRestAddress(jobName, run);
            String[] rolloutStatus =
                    withDb(
                            "rollout",
                            "status",
                            RULE,
                            "--flink-rest",
                            url,
                            "--job",
                            jobName,
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--shadow-topic",
                            shadowTopic);

            // Shadow: counted by the job, differing events sampled from the shadow topic.
            CliRun start =
                    CliRun.of(withDb("rollout", "start", RULE, candidate.toString(), "--shadow"));
            assertEquals(0, start.exitCode(), start.toString());
            CliRun shadow =
                    await(
                            rolloutStatus,
                            out ->
                                    out.contains("job:        shadow — ")
                                            && Pattern.compile("differing [1-9]")
                                                    .matcher(out)
                                                    .find()
                                            && out.contains("    candidate: "));
            assertTrue(shadow.out().contains("\"value\":2"), shadow.out());
            assertTrue(shadow.out().contains("\"value\":1"), shadow.out());
            assertTrue(
                    await(statusArgs(url, jobName), out -> candidateCell(out).startsWith("shadow "))
                            .out()
                            .contains(" differ"));

            // Abort by the CLI: the job stops the candidate (rolloutState back to none).
            CliRun abort = CliRun.of(withDb("rollout", "abort", RULE));
            assertEquals(0, abort.exitCode(), abort.toString());
            await(statusArgs(url, jobName), out -> candidateCell(out).equals("-"));

            // A canary of every key, then promoted by the CLI: the job runs the candidate's
            // version.
            CliRun canary =
                    CliRun.of(
                            withDb(
                                    "rollout",
                                    "start",
                                    RULE,
                                    candidate.toString(),
                                    "--canary",
                                    "100"));
            assertEquals(0, canary.exitCode(), canary.toString());
            await(
                    rolloutStatus,
                    out ->
                            out.contains("job:        canary — ")
                                    && Pattern.compile("canary served [1-9]").matcher(out).find());
            CliRun promote = CliRun.of(withDb("rollout", "promote", RULE));
            assertEquals(0, promote.exitCode(), promote.toString());
            Matcher started = Pattern.compile("candidate ([0-9a-f]{12})").matcher(canary.out());
            assertTrue(started.find(), canary.toString());
            String promoted = started.group(1);
            await(
                    statusArgs(url, jobName),
                    out -> out.contains(promoted) && candidateCell(out).equals("-"));
        } finally {
            producer.close();
            CliRun r = run.get(160, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode(), r.toString());
        }
    }

    private static String[] statusArgs(String url, String jobName) {
        return new String[] {"status", "--flink-rest", url, "--job", jobName, "--interval", "1"};
    }

    /** The CANDIDATE cell of the rule's line of {@code status} (the rest of the line). */
    static String candidateCell(String table) {
        for (String line : table.split("\n")) {
            String[] cells = line.trim().split("\\s+", 7);
            if (cells.length == 7 && cells[0].equals(RULE)) {
                return cells[6].trim();
            }
        }
        return "(no line for " + RULE + ")";
    }

    /** Runs {@code args} every second until its output satisfies {@code done} (60 s at most). */
    private static CliRun await(String[] args, Predicate<String> done) {
        CliRun last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            last = CliRun.of(args);
            assertEquals(0, last.exitCode(), last.toString());
            if (done.test(last.out())) {
                return last;
            }
            sleep(1000);
        }
        throw new AssertionError(
                "'"
                        + String.join(" ", List.of(args).subList(0, 2))
                        + "' never showed it within 60 s:\n"
                        + last);
    }
}
