package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.text.Formats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rulecast show D T}: one rule, with its script and config. */
@Command(name = "show", description = "Show one rule: its settings, version, config and script.")
public final class ShowCommand extends BaseCommand {
    @Mixin RuleRef rule;

    @Option(names = "--json", description = "A JSON object for machines.")
    boolean json;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        RuleRow r;
        try (RuleStore store = RuleStore.open(connection.database())) {
            r = store.find(rule.id()).orElseThrow(() -> noSuchRule(rule));
        }
        if (json) {
            out().println(Formats.pretty(Formats.json(r, true)));
            return 0;
        }
        var o = out();
        o.println("rule:      " + r.ruleId());
        o.println("language:  " + r.language());
        o.println("enabled:   " + (r.enabled() ? "yes" : "no"));
        o.println("priority:  " + r.priority());
        o.println("version:   " + r.version());
        o.println("created:   " + Formats.time(r.createTime()));
        o.println("updated:   " + Formats.time(r.updateTime()));
        o.println("config:    " + (r.configJson() == null ? "(none)" : r.configJson()));
        o.println("script:");
        String script = r.script();
        o.print(script);
        if (!script.endsWith("\n")) {
            o.println();
        }
        o.flush();
        return 0;
    }

    static CliException noSuchRule(RuleRef rule) {
        return CliException.usage(
                "no rule " + rule.id() + " — see 'rulecast list', or add it with 'rulecast push'");
    }
}
