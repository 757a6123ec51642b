package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.HistoryEntry;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.db.Versions;
import io.rulecast.cli.text.Formats;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.ScriptRuntime;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rulecast rollback D T --to V}: makes an earlier version current again. The rollback is
 * itself a change (a new history entry); nothing in the history is removed.
 */
@Command(
        name = "rollback",
        description = {
            "Make an earlier version of a rule current again (script, language and config).",
            "Enabled and priority stay as they are; a deleted rule is re-created as it was.",
            "The rollback is recorded as a new history entry."
        })
public final class RollbackCommand extends BaseCommand {
    @Mixin RuleRef rule;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "VERSION",
            description = "History id (12 or #12) or version hash prefix (4+ hex digits).")
    String to;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        try (RuleStore store = RuleStore.open(connection.database())) {
            HistoryEntry target = Versions.resolve(rule.id(), to, store.history(rule.id()));
            // The sandbox may have grown stricter since that version was pushed.
            try (ScriptRuntime runtime = new ScriptRuntime()) {
                runtime.compile(
                        new RuleDefinition(
                                rule.id(),
                                Language.of(target.language()),
                                target.script(),
                                target.configJson()));
            } catch (CompileException e) {
                throw CliException.failedCheck(
                        "version "
                                + target.shortHash()
                                + " no longer compiles ("
                                + e.getMessage()
                                + "); nothing written");
            }
            String message =
                    store.inTransaction(
                            () -> {
                                Optional<RuleRow> row = store.find(rule.id(), true);
                                if (row.isEmpty()) {
                                    store.insert(
                                            rule.id(),
                                            target.language(),
                                            target.script(),
                                            target.configJson(),
                                            target.enabled(),
                                            target.priority());
                                    return "re-created "
                                            + rule.id()
                                            + " at "
                                            + target.versionHash()
                                            + " (history #"
                                            + target.id()
                                            + ")";
                                }
                                RuleRow r = row.get();
                                if (r.version().equals(target.versionHash())) {
                                    return "unchanged: "
                                            + r.version()
                                            + " ("
                                            + rule.id()
                                            + " already runs it)";
                                }
                                store.update(
                                        r.id(),
                                        target.language(),
                                        target.script(),
                                        target.configJson(),
                                        r.enabled(),
                                        r.priority());
                                String now = store.find(rule.id(), false).orElseThrow().version();
                                return "rolled back "
                                        + rule.id()
                                        + " to "
                                        + now
                                        + " (history #"
                                        + target.id()
                                        + ", was "
                                        + Formats.shortHash(r.version())
                                        + ")";
                            });
            out().println(message);
        }
        return 0;
    }
}
