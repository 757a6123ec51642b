package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleName;
import io.rulecast.cli.db.Rollout;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.status.ShadowSamples;
import io.rulecast.cli.text.Formats;
import io.rulecast.runtime.RuleId;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rulecast rollout status RULE}: the rollout as stored, and what the job saw of it. */
@Command(
        name = "status",
        description = "Show the rollout of RULE: mode, versions, and what the running job counted.")
public final class RolloutStatusCommand extends BaseCommand {
    @Parameters(
            paramLabel = "RULE",
            converter = RuleName.class,
            description = "domain/event_type/rule_name")
    RuleId rule;

    @Option(names = "--json", description = "One JSON object for machines.")
    boolean json;

    @Mixin ConnectionOptions connection;

    @Option(
            names = "--flink-rest",
            paramLabel = "URL",
            defaultValue = "http://localhost:8081",
            description =
                    "Flink REST API of the running job, for what it counted of the candidate"
                            + " (default: ${DEFAULT-VALUE}; unreachable: only the stored rollout"
                            + " is shown).")
    String flinkRest;

    @Option(
            names = "--job",
            paramLabel = "NAME|ID",
            description = "The job (default: the only running one).")
    String job;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description =
                    "Kafka brokers: show the latest differing events of the rule from the shadow"
                            + " topic (env RULECAST_BOOTSTRAP_SERVERS).",
            defaultValue = "${env:RULECAST_BOOTSTRAP_SERVERS}")
    String bootstrapServers;

    @Option(
            names = "--shadow-topic",
            paramLabel = "TOPIC",
            defaultValue = "rulecast.shadow",
            description = "The job's topic.shadow (default: ${DEFAULT-VALUE}).")
    String shadowTopic;

    @Option(
            names = "--samples",
            paramLabel = "N",
            defaultValue = "3",
            description = "Differing events to show (default: ${DEFAULT-VALUE}).")
    int samples;

    @Override
    public Integer call() {
        RuleRow row;
        try (RuleStore store = RuleStore.open(connection.database())) {
            row = store.find(rule).orElseThrow(() -> RolloutCommand.noSuchRule(rule));
        }
        if (samples < 0) {
            throw CliException.usage("--samples must be 0 or more");
        }
        Rollout r = row.rollout();
        RolloutView.JobCounts counts = RolloutView.jobCounts(flinkRest, job, rule.toString());
        List<ShadowSamples.Sample> diffs =
                r == null ? List.of() : RolloutView.samples(this, r, rule.toString());
        if (json) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("rule", rule.toString());
            m.put("liveVersion", row.version());
            m.put("rollout", r == null ? null : Formats.json(r, false));
            m.put("job", counts.json());
            m.put("samples", diffs);
            out().println(Formats.pretty(m));
            return 0;
        }
        PrintWriter o = out();
        o.println("rule:       " + rule);
        o.println("live:       " + row.version());
        if (r == null) {
            o.println("rollout:    none");
            o.println("job:        " + counts.describe());
            return 0;
        }
        o.println(
                "rollout:    "
                        + r.describe()
                        + ", started "
                        + Formats.time(r.startedAt())
                        + age(r.startedAt()));
        o.println("candidate:  " + r.candidateVersion() + " (" + r.language() + ")");
        boolean moved = r.baseVersion() != null && !r.baseVersion().equals(row.version());
        o.println(
                "started from: "
                        + Formats.shortHash(r.baseVersion())
                        + (moved
                                ? " — the live version changed since; promote will refuse"
                                : " (still live)"));
        o.println("job:        " + counts.describe());
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            o.println(
                    "samples:    pass --bootstrap-servers to show differing events from "
                            + shadowTopic);
        } else if (diffs.isEmpty()) {
            o.println("samples:    no differing event of this candidate on " + shadowTopic);
        } else {
            o.println("samples:    the latest differing events on " + shadowTopic + ":");
            for (ShadowSamples.Sample d : diffs) {
                o.println("  " + d.eventId());
                o.println("    live:      " + RolloutView.clip(d.live()));
                o.println("    candidate: " + RolloutView.clip(d.candidate()));
            }
        }
        return 0;
    }

    private static String age(Instant since) {
        if (since == null) {
            return "";
        }
        Duration d = Duration.between(since, Instant.now());
        if (d.isNegative()) {
            return "";
        }
        long s = d.getSeconds();
        return s < 120
                ? " (" + s + " s ago)"
                : s < 7200 ? " (" + s / 60 + " min ago)" : " (" + s / 3600 + " h ago)";
    }
}
