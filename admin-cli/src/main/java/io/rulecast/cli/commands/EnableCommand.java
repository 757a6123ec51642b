package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.RuleStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rulecast enable D T}: Let a rule run again. Recorded as a history entry. */
@Command(name = "enable", description = "Let a rule run again. Recorded in the history.")
public final class EnableCommand extends BaseCommand {
    @Mixin RuleRef rule;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        try (RuleStore store = RuleStore.open(connection.database())) {
            return ToggleSupport.toggle(store, rule, true, out());
        }
    }
}
