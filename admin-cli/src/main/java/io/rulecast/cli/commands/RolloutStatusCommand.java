package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleName;
import io.rulecast.cli.db.Rollout;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.text.Formats;
import io.rulecast.runtime.RuleId;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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

    @Override
    public Integer call() {
        RuleRow row;
        try (RuleStore store = RuleStore.open(connection.database())) {
            row = store.find(rule).orElseThrow(() -> RolloutCommand.noSuchRule(rule));
        }
        Rollout r = row.rollout();
        if (json) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("rule", rule.toString());
            m.put("liveVersion", row.version());
            m.put("rollout", r == null ? null : Formats.json(r, false));
            out().println(Formats.pretty(m));
            return 0;
        }
        PrintWriter o = out();
        o.println("rule:       " + rule);
        o.println("live:       " + row.version());
        if (r == null) {
            o.println("rollout:    none");
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
