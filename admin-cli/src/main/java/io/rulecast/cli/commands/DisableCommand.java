package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.RuleStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rulecast disable D T}: Stop a rule from running; its row and history stay. Recorded as a
 * history entry.
 */
@Command(
        name = "disable",
        description =
                "Stop a rule from running; its row and history stay. Recorded in the history.")
public final class DisableCommand extends BaseCommand {
    @Mixin RuleRef rule;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        try (RuleStore store = RuleStore.open(connection.database())) {
            return ToggleSupport.toggle(store, rule, false, out());
        }
    }
}
