package io.rulecast.cli.commands;

import io.rulecast.cli.StandardOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code rulecast db}: the database itself. */
@Command(
        name = "db",
        description = "Manage the rules database.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {DbMigrateCommand.class})
public final class DbCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin StandardOptions standard;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: use 'db migrate'");
    }
}
