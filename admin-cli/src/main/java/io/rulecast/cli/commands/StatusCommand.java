package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.status.StatusReader;
import io.rulecast.cli.status.StatusReader.RuleSample;
import io.rulecast.cli.status.StatusReader.Sample;
import io.rulecast.cli.text.Formats;
import io.rulecast.cli.text.TextTable;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rulecast status}: a live table per rule from the Flink REST API of {@code rulecast run} or
 * of a cluster — events/s, failed, p95 latency, breaker state, running version — plus the rules
 * staleness and dead letters/s. Rates are the change between two looks {@code --interval} apart.
 */
@Command(
        name = "status",
        description =
                "Live per-rule table of a running job (events/s, failed, p95 latency, breaker,"
                        + " version), from Flink's REST API.")
public final class StatusCommand extends BaseCommand {
    @Option(
            names = "--flink-rest",
            paramLabel = "URL",
            defaultValue = "http://localhost:8081",
            description =
                    "Flink REST API of 'rulecast run' (it prints the address) or of the cluster's"
                            + " JobManager (default: ${DEFAULT-VALUE}).")
    String flinkRest;

    @Option(
            names = "--job",
            paramLabel = "NAME|ID",
            description = "The job (default: the only running one).")
    String job;

    @Option(names = "--watch", description = "Refresh the table until Ctrl-C.")
    boolean watch;

    @Option(
            names = "--interval",
            paramLabel = "SECONDS",
            defaultValue = "2",
            description = "Seconds between two looks (events/s is their difference; default: 2).")
    double interval;

    @Override
    public Integer call() throws Exception {
        if (interval <= 0) {
            throw CliException.usage("--interval must be more than 0 seconds");
        }
        StatusReader reader = new StatusReader(flinkRest, job);
        Sample previous = sample(reader);
        do {
            Thread.sleep((long) (interval * 1000));
            Sample now = sample(reader);
            if (watch) {
                out().print("\033[H\033[2J"); // clear the terminal
            }
            print(previous, now);
            out().flush();
            previous = now;
        } while (watch);
        return 0;
    }

    private static Sample sample(StatusReader reader) {
        try {
            return reader.sample();
        } catch (StatusReader.UnreachableException e) {
            throw CliException.unreachable(e.getMessage(), e);
        }
    }

    private void print(Sample before, Sample now) {
        double seconds = (now.nanos() - before.nanos()) / 1e9;
        out().println(
                        "job "
                                + now.jobName()
                                + " ("
                                + now.jobId()
                                + ") at "
                                + flinkRest
                                + "  rules staleness "
                                + (now.rulesStalenessMs() < 0
                                        ? "?"
                                        : String.format(
                                                Locale.ROOT,
                                                "%.1f s",
                                                now.rulesStalenessMs() / 1000.0))
                                + "  dead letters/s "
                                + rate(now.deadLetters() - before.deadLetters(), seconds));
        if (now.rules().isEmpty()) {
            out().println("no rule has run yet");
            return;
        }
        TextTable t =
                new TextTable(
                                "RULE",
                                "EVENTS/S",
                                "FAILED",
                                "P95 MS",
                                "BREAKER",
                                "VERSION",
                                "CANDIDATE")
                        .nullAs("-");
        for (RuleSample r : now.rules().values()) {
            RuleSample b = before.rules().get(r.rule());
            long processed = r.processed() - (b == null ? 0 : b.processed());
            t.row(
                    r.rule(),
                    rate(processed, seconds),
                    r.failed(),
                    String.format(Locale.ROOT, "%.1f", r.p95Micros() / 1000.0),
                    breaker(r.breakerState()),
                    r.version() == null ? null : Formats.shortHash(r.version()),
                    candidate(r));
        }
        t.print(out());
    }

    /**
     * The rollout column: the candidate's mode on the job and what it did so far (shadow: differing
     * of compared; canary: events it served), failures when there were any; null without one.
     */
    static String candidate(RuleSample r) {
        StatusReader.Candidate c = r.candidate();
        if (c.state() == 0) {
            return null;
        }
        StringBuilder s = new StringBuilder(c.stateName());
        if (c.compared() > 0) {
            s.append(' ').append(c.differing()).append('/').append(c.compared()).append(" differ");
        }
        if (c.canaryServed() > 0) {
            s.append(' ')
                    .append(c.canaryServed())
                    .append(" served (")
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "%.0f%%",
                                    100.0 * c.canaryServed() / Math.max(1, r.processed())))
                    .append(')');
        }
        if (c.failed() > 0) {
            s.append(", ").append(c.failed()).append(" failed");
        }
        return s.toString();
    }

    private static String rate(long delta, double seconds) {
        return String.format(Locale.ROOT, "%.1f", Math.max(0, delta) / seconds);
    }

    private static String breaker(int state) {
        return switch (state) {
            case 0 -> "closed";
            case 1 -> "half-open";
            case 2 -> "OPEN";
            default -> "stopped";
        };
    }
}
