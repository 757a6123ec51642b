package io.rulecast.cli.commands;

import picocli.CommandLine.Command;

/** {@code rulecast enable D T}: Let a rule run again. Recorded as a history entry. */
@Command(name = "enable", description = "Let a rule run again. Recorded in the history.")
public final class EnableCommand extends ToggleCommand {
    @Override
    boolean enabled() {
        return true;
    }
}
