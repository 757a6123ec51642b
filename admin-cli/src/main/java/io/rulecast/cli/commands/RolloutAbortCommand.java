package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.RuleName;
import io.rulecast.cli.db.Rollout;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.text.Formats;
import io.rulecast.runtime.RuleId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code rulecast rollout abort RULE}: drops the candidate; the live version serves every key. */
@Command(
        name = "abort",
        description =
                "End the rollout of RULE and drop its candidate; the live version serves all keys.")
public final class RolloutAbortCommand extends BaseCommand {
    @Parameters(
            paramLabel = "RULE",
            converter = RuleName.class,
            description = "domain/event_type/rule_name")
    RuleId rule;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        try (RuleStore store = RuleStore.open(connection.database())) {
            String message =
                    store.inTransaction(
                            () -> {
                                RuleRow row = RolloutCommand.locked(store, rule);
                                Rollout r = row.rollout();
                                if (r == null) {
                                    throw RolloutCommand.noRollout(rule);
                                }
                                store.endRollout(row.id(), false);
                                return "aborted "
                                        + r.describe()
                                        + " of "
                                        + rule
                                        + " (candidate "
                                        + Formats.shortHash(r.candidateVersion())
                                        + "); live "
                                        + Formats.shortHash(row.version())
                                        + " serves every key";
                            });
            out().println(message);
        }
        return 0;
    }
}
