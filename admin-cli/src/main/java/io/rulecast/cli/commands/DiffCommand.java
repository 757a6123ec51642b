package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.HistoryEntry;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.db.Versions;
import io.rulecast.cli.text.Formats;
import io.rulecast.cli.text.UnifiedDiff;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code rulecast diff D T V1 V2}: a unified diff between two versions of a rule. */
@Command(
        name = "diff",
        description = {
            "Unified diff between two versions of a rule's script (and config, when it changed).",
            "A version is a history id (12 or #12), a hash prefix (4+ hex digits), or 'current'."
        })
public final class DiffCommand extends BaseCommand {
    @Mixin RuleRef rule;

    @Parameters(index = "2", paramLabel = "V1", description = "The older version.")
    String from;

    @Parameters(index = "3", paramLabel = "V2", description = "The newer version.")
    String to;

    @Mixin ConnectionOptions connection;

    /** A version's content and how to call it in the diff header. */
    private record Side(String label, String hash, String language, String script, String config) {}

    @Override
    public Integer call() {
        Side a;
        Side b;
        try (RuleStore store = RuleStore.open(connection.database())) {
            List<HistoryEntry> history = store.history(rule.id());
            Optional<RuleRow> current = store.find(rule.id());
            if (history.isEmpty() && current.isEmpty()) {
                throw ShowCommand.noSuchRule(rule);
            }
            a = side(from, history, current);
            b = side(to, history, current);
        }
        if (a.hash().equals(b.hash())) {
            out().println("no difference: both are version " + Formats.shortHash(a.hash()));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        if (!a.language().equals(b.language())) {
            sb.append("language: ")
                    .append(a.language())
                    .append(" -> ")
                    .append(b.language())
                    .append('\n');
        }
        sb.append(UnifiedDiff.of(a.label(), a.script(), b.label(), b.script()));
        if (!Objects.equals(a.config(), b.config())) {
            sb.append(
                    UnifiedDiff.of(
                            a.label() + " config_json",
                            a.config() == null ? "" : a.config() + "\n",
                            b.label() + " config_json",
                            b.config() == null ? "" : b.config() + "\n"));
        }
        out().print(sb);
        out().flush();
        return 0;
    }

    private Side side(String ref, List<HistoryEntry> history, Optional<RuleRow> current) {
        if ("current".equalsIgnoreCase(ref.trim())) {
            RuleRow r = current.orElseThrow(() -> ShowCommand.noSuchRule(rule));
            return new Side(
                    rule.id() + " current " + Formats.shortHash(r.version()),
                    r.version(),
                    r.language(),
                    r.script(),
                    r.configJson());
        }
        HistoryEntry e = Versions.resolve(rule.id(), ref, history);
        return new Side(
                rule.id() + " #" + e.id() + " " + e.shortHash(),
                e.versionHash(),
                e.language(),
                e.script(),
                e.configJson());
    }
}
