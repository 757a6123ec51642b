package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.HistoryEntry;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.text.Formats;
import io.rulecast.cli.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rulecast history D T}: every recorded change of a rule, by the CLI or by raw SQL, oldest
 * first (from routing_config_history, which the database's triggers fill).
 */
@Command(
        name = "history",
        description = {
            "Show every change of a rule, oldest first — made by rulecast or by plain SQL.",
            "Refer to a version by its history id (12 or #12) or a hash prefix (4+ hex digits)."
        })
public final class HistoryCommand extends BaseCommand {
    @Mixin RuleRef rule;

    @Option(names = "--json", description = "A JSON array for machines (with the scripts).")
    boolean json;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        List<HistoryEntry> history;
        Optional<RuleRow> current;
        try (RuleStore store = RuleStore.open(connection.database())) {
            history = store.history(rule.id());
            current = store.find(rule.id());
        }
        if (history.isEmpty() && current.isEmpty()) {
            throw ShowCommand.noSuchRule(rule);
        }
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            history.forEach(e -> out.add(Formats.json(e, true)));
            out().println(Formats.pretty(out));
            return 0;
        }
        TextTable t =
                new TextTable(
                        "ID",
                        "CHANGED",
                        "BY",
                        "OP",
                        "VERSION",
                        "LANG",
                        "ENABLED",
                        "PRIORITY",
                        "ROLLOUT",
                        "");
        HistoryEntry last = history.isEmpty() ? null : history.get(history.size() - 1);
        for (HistoryEntry e : history) {
            boolean live =
                    e == last
                            && current.isPresent()
                            && !"DELETE".equals(e.operation())
                            && current.get().version().equals(e.versionHash());
            t.row(
                    "#" + e.id(),
                    Formats.time(e.changedAt()),
                    e.changedBy(),
                    e.operation(),
                    e.shortHash(),
                    e.language(),
                    e.enabled() ? "yes" : "no",
                    e.priority(),
                    e.rollout(),
                    live ? "<- current" : "");
        }
        t.print(out());
        return 0;
    }
}
