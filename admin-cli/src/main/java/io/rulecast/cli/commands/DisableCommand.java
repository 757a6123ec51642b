package io.rulecast.cli.commands;

import picocli.CommandLine.Command;

/**
 * {@code rulecast disable D T}: Stop a rule from running; its row and history stay. Recorded as a
 * history entry.
 */
@Command(
        name = "disable",
        description =
                "Stop a rule from running; its row and history stay. Recorded in the history.")
public final class DisableCommand extends ToggleCommand {
    @Override
    boolean enabled() {
        return false;
    }
}
