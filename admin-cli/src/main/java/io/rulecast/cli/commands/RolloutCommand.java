package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.StandardOptions;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.runtime.RuleId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code rulecast rollout}: try a new version of a rule on live traffic before it counts. */
@Command(
        name = "rollout",
        description = {
            "Try a candidate version of a rule on live traffic: in shadow (run after the live"
                    + " version, compared, never applied) or as a canary (serving a stable share of"
                    + " state keys); then promote or abort it.",
            "RULE is domain/event_type/rule_name. Every step is a change of the rule's row, kept in"
                    + " its history; plain SQL can do each of them too (docs/rollout.md)."
        },
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            RolloutStartCommand.class,
            RolloutStatusCommand.class,
            RolloutPromoteCommand.class,
            RolloutAbortCommand.class
        })
public final class RolloutCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin StandardOptions standard;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "missing command: use 'rollout start|status|promote|abort'");
    }

    /** The rule's row, locked for the transaction; a usage error naming the fix when absent. */
    static RuleRow locked(RuleStore store, RuleId id) throws java.sql.SQLException {
        return store.find(id, true).orElseThrow(() -> noSuchRule(id));
    }

    static CliException noSuchRule(RuleId id) {
        return CliException.usage(
                "no rule " + id + " — see 'rulecast list', or add it with 'rulecast push'");
    }

    static CliException noRollout(RuleId id) {
        return CliException.usage(
                id
                        + " has no rollout running — start one with 'rulecast rollout start "
                        + id
                        + " FILE --shadow'");
    }
}
