package io.rulecast.cli.demo;

import static io.rulecast.cli.demo.DemoConsole.plural;

import io.rulecast.cli.CliException;
import io.rulecast.cli.replay.JsonlDimensions;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.examples.RuleManifest;
import io.rulecast.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The demo's first look at the job's work: streams the events with {@code rulecast produce}, waits
 * until the job has written what an in-process replay of the same events predicts, then shows the
 * wide table, the alerts, the dead letters and the metrics count.
 */
final class SampleStream {
    private static final int TABLE_ROWS = 15;
    private static final long QUIET_MILLIS = 1500;
    private static final long GIVE_UP_SECONDS = 15;

    /** What replaying the events through the rules in-process predicts the job will write. */
    record Prediction(int rows, int alerts) {}

    private SampleStream() {}

    static void run(
            DemoConsole console,
            WrongbookExample example,
            Path eventsFile,
            String eventsLabel,
            String bootstrap,
            DemoJob.Topics topics,
            JobOutputs outputs,
            Duration timeout)
            throws Exception {
        List<String> sent =
                CliCalls.run(
                        "produce",
                        "--topic",
                        topics.events(),
                        "--bootstrap-servers",
                        bootstrap,
                        "--key-path",
                        example.manifest().keyPath(),
                        eventsFile.toString());
        Prediction expected = predict(example, eventsFile);
        int rows = 0;
        int alertCount = 0;
        int dlqCount = 0;
        long lastChange = System.nanoTime();
        long deadline = lastChange + timeout.toNanos();
        boolean complete = false;
        while (System.nanoTime() < deadline) {
            int r = outputs.table.count();
            int a = outputs.alerts.poll().size();
            int d = outputs.deadLetters.poll().size();
            if (r != rows || a != alertCount || d != dlqCount) {
                rows = r;
                alertCount = a;
                dlqCount = d;
                lastChange = System.nanoTime();
            }
            long quiet = System.nanoTime() - lastChange;
            if (rows >= expected.rows
                    && alertCount >= expected.alerts
                    && quiet > TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
                complete = true;
                break;
            }
            // Fewer outputs than replay predicted (e.g. a rule timed out in the job): stop
            // waiting once nothing has changed for a long while.
            if (rows > 0 && quiet > TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS)) {
                break;
            }
            Thread.sleep(250);
        }
        if (rows == 0) {
            throw CliException.failedCheck(
                    "the job wrote no row within "
                            + timeout.toSeconds()
                            + " s (run with --verbose, or --keep-running to look at it)");
        }
        int eventCount = Files.readAllLines(eventsFile).size();
        console.step(
                "Streamed "
                        + eventCount
                        + " events ("
                        + eventsLabel
                        + ") and the job processed them: "
                        + plural(rows, "wide-table row")
                        + ", "
                        + plural(alertCount, "alert")
                        + ", "
                        + plural(dlqCount, "dead letter"));
        console.detail(sent.isEmpty() ? "" : sent.get(0));
        String predicted =
                "'rulecast replay' of the same events through the same rules, in-process: "
                        + plural(expected.rows, "row")
                        + ", "
                        + plural(expected.alerts, "alert");
        console.detail(
                complete
                        ? "Same as " + predicted
                        : "Fewer than " + predicted + " (see the dead letters below)");
        console.blank();
        console.detail(
                WideTableView.TABLE
                        + " ("
                        + rows
                        + " rows: "
                        + joinCounts(outputs.table.statusCounts())
                        + "), first "
                        + Math.min(TABLE_ROWS, rows)
                        + " by key:");
        WideTableView.print(
                console.out(), DemoConsole.INDENT, outputs.table.first(TABLE_ROWS), null, null);
        if (rows > TABLE_ROWS) {
            console.detail("… " + (rows - TABLE_ROWS) + " more rows");
        }
        console.blank();
        JobOutputs.printAlerts(console, outputs.alerts.poll());
        JobOutputs.printDeadLetters(
                console,
                outputs.deadLetters.poll(),
                "on the dead-letter topic; the events include broken ones on purpose");
        console.detail(
                "Metrics: "
                        + outputs.metrics.poll().size()
                        + " records on "
                        + topics.metrics()
                        + " (ctx.metric)");
    }

    private static Prediction predict(WrongbookExample example, Path eventsFile)
            throws IOException {
        RuleManifest m = example.manifest();
        Set<String> keys = new HashSet<>();
        int[] alerts = {0};
        try (Replayer replayer =
                new Replayer(
                        m.definitions(),
                        RuntimeOptions.defaults().withTimeout(Duration.ofSeconds(5)),
                        new JsonlDimensions(example.dimsDir()),
                        m.keyPath())) {
            for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                replayer.replay(
                        line,
                        out -> {
                            if ("upsert".equals(out.get("kind"))
                                    && WideTableView.TABLE.equals(out.get("table"))
                                    && out.get("row") instanceof Map<?, ?> row) {
                                keys.add(String.valueOf(row.get("wrongbook_id")));
                            } else if ("alert".equals(out.get("kind"))) {
                                alerts[0]++;
                            }
                        });
            }
        }
        return new Prediction(keys.size(), alerts[0]);
    }

    private static String joinCounts(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }
}
