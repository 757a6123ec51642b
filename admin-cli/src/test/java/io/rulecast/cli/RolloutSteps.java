package io.rulecast.cli;

import static io.rulecast.cli.StatusCommandITCase.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rollout commands against a running {@code rulecast run} (driven by {@link
 * StatusCommandITCase}, which starts the job once for both): {@code rollout start --shadow} reaches
 * the job, {@code rollout status} shows what the job counted and the differing events from the
 * shadow topic, {@code status} shows the candidate, {@code rollout abort} stops it, and a canary
 * then {@code rollout promote} makes the candidate the version the job runs.
 */
final class RolloutSteps {
    static final String RULE = "shop/order/main";

    /** Differs from the live version ({@code return null}) on even n only. */
    private static final String CANDIDATE =
            "if (event.payload.n % 2 == 0) ctx.metric('v', 2, [:])\nreturn null";

    private RolloutSteps() {}

    /** The job at {@code url} runs {@link #RULE} as {@code return null}, its shadow topic given. */
    static void run(
            MariaDbExtension db,
            KafkaBrokerExtension kafka,
            Path dir,
            String url,
            String jobName,
            String shadowTopic)
            throws Exception {
        Path candidate = Files.writeString(dir.resolve("candidate.groovy"), CANDIDATE);
        String[] rolloutStatus =
                RunFixture.withDb(
                        db,
                        "rollout",
                        "status",
                        RULE,
                        "--flink-rest",
                        url,
                        "--job",
                        jobName,
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--shadow-topic",
                        shadowTopic);

        // Shadow: counted by the job, differing events sampled from the shadow topic.
        CliRun start =
                CliRun.of(
                        RunFixture.withDb(
                                db, "rollout", "start", RULE, candidate.toString(), "--shadow"));
        assertEquals(0, start.exitCode(), start.toString());
        CliRun shadow =
                await(
                        rolloutStatus,
                        out ->
                                out.contains("job:        shadow — ")
                                        && Pattern.compile("differing [1-9]").matcher(out).find()
                                        && out.contains("    candidate: "));
        assertTrue(shadow.out().contains("\"value\":2"), shadow.out());
        assertTrue(shadow.out().contains("    live:      []"), shadow.out());
        assertTrue(
                await(statusArgs(url, jobName), out -> candidateCell(out).startsWith("shadow "))
                        .out()
                        .contains(" differ"));

        // Abort by the CLI: the job stops the candidate (rolloutState back to none).
        CliRun abort = CliRun.of(RunFixture.withDb(db, "rollout", "abort", RULE));
        assertEquals(0, abort.exitCode(), abort.toString());
        await(statusArgs(url, jobName), out -> candidateCell(out).equals("-"));

        // A canary of every key, then promoted by the CLI: the job runs the candidate's
        // version.
        CliRun canary =
                CliRun.of(
                        RunFixture.withDb(
                                db,
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
        CliRun promote = CliRun.of(RunFixture.withDb(db, "rollout", "promote", RULE));
        assertEquals(0, promote.exitCode(), promote.toString());
        Matcher started = Pattern.compile("candidate ([0-9a-f]{12})").matcher(canary.out());
        assertTrue(started.find(), canary.toString());
        String promoted = started.group(1);
        await(
                statusArgs(url, jobName),
                out -> out.contains(promoted) && candidateCell(out).equals("-"));
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
