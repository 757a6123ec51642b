package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.text.Formats;
import picocli.CommandLine.Mixin;

/** What {@code enable} and {@code disable} are: set the flag in one transaction, or say so. */
abstract class ToggleCommand extends BaseCommand {
    @Mixin RuleRef rule;

    @Mixin ConnectionOptions connection;

    /** The value of {@code enabled} this verb sets. */
    abstract boolean enabled();

    @Override
    public final Integer call() {
        boolean enabled = enabled();
        String word = enabled ? "enabled" : "disabled";
        try (RuleStore store = RuleStore.open(connection.database())) {
            String message =
                    store.inTransaction(
                            () -> {
                                RuleRow r =
                                        store.find(rule.id(), true)
                                                .orElseThrow(() -> ShowCommand.noSuchRule(rule));
                                if (r.enabled() == enabled) {
                                    return "unchanged: " + rule.id() + " is already " + word;
                                }
                                store.setEnabled(r.id(), enabled);
                                return word
                                        + " "
                                        + rule.id()
                                        + " (version "
                                        + Formats.shortHash(r.version())
                                        + ")";
                            });
            out().println(message);
        }
        return 0;
    }
}
