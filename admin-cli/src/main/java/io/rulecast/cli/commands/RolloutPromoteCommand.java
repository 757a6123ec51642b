package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
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

/**
 * {@code rulecast rollout promote RULE}: the candidate becomes the live version, in one
 * transaction, only if the live version is still the one the rollout started from.
 */
@Command(
        name = "promote",
        description = {
            "Make the candidate of RULE its live version and end the rollout (one transaction).",
            "Refused when the live version changed after the rollout started."
        })
public final class RolloutPromoteCommand extends BaseCommand {
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
                                if (r.baseVersion() != null
                                        && !r.baseVersion().equals(row.version())) {
                                    throw CliException.failedCheck(
                                            "live version of "
                                                    + rule
                                                    + " changed since the rollout started (from "
                                                    + Formats.shortHash(r.baseVersion())
                                                    + " to "
                                                    + Formats.shortHash(row.version())
                                                    + "): nothing promoted — compare, then 'rollout start' again");
                                }
                                store.endRollout(row.id(), true);
                                String now = store.find(rule, false).orElseThrow().version();
                                return "promoted "
                                        + rule
                                        + ": live is now "
                                        + now
                                        + " (was "
                                        + Formats.shortHash(row.version())
                                        + ", after "
                                        + r.describe()
                                        + ")";
                            });
            out().println(message);
        }
        return 0;
    }
}
