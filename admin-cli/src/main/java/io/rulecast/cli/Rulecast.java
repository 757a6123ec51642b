package io.rulecast.cli;

import io.rulecast.cli.commands.DbCommand;
import io.rulecast.cli.commands.DemoCommand;
import io.rulecast.cli.commands.DiffCommand;
import io.rulecast.cli.commands.DisableCommand;
import io.rulecast.cli.commands.EnableCommand;
import io.rulecast.cli.commands.HistoryCommand;
import io.rulecast.cli.commands.ListCommand;
import io.rulecast.cli.commands.ProduceCommand;
import io.rulecast.cli.commands.PushCommand;
import io.rulecast.cli.commands.ReplayCommand;
import io.rulecast.cli.commands.RollbackCommand;
import io.rulecast.cli.commands.RolloutCommand;
import io.rulecast.cli.commands.RunCommand;
import io.rulecast.cli.commands.ScaffoldCommand;
import io.rulecast.cli.commands.ShowCommand;
import io.rulecast.cli.commands.StatusCommand;
import io.rulecast.cli.commands.TestCommand;
import io.rulecast.cli.commands.ValidateCommand;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rulecast}: manage the rules stored in MySQL, check them and replay events through them
 * without a cluster. One class per verb under {@code io.rulecast.cli.commands}; failures become
 * exit codes in {@link ErrorHandler}.
 */
@Command(
        name = "rulecast",
        description = "Business rules as Groovy or JavaScript scripts in MySQL, run by Flink.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            DbCommand.class,
            ValidateCommand.class,
            PushCommand.class,
            ListCommand.class,
            ShowCommand.class,
            HistoryCommand.class,
            DiffCommand.class,
            RollbackCommand.class,
            RolloutCommand.class,
            EnableCommand.class,
            DisableCommand.class,
            ReplayCommand.class,
            ProduceCommand.class,
            RunCommand.class,
            StatusCommand.class,
            DemoCommand.class,
            ScaffoldCommand.class,
            TestCommand.class,
            AutoComplete.GenerateCompletion.class
        },
        footer = {
            "",
            "Exit codes: 0 ok, 1 a check failed (validation, replay mismatch),"
                    + " 2 bad usage or a service that cannot be reached."
        })
public final class Rulecast implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StandardOptions standard;

    @Option(
            names = {"-V", "--version"},
            versionHelp = true,
            description = "Print the version and exit.")
    boolean version;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        cmd.getErr().println("error: missing command — see 'rulecast --help'");
        cmd.usage(cmd.getErr());
        return CliException.USAGE;
    }

    /** The command line with Rulecast's error handling: what main runs and tests drive. */
    public static CommandLine commandLine() {
        ErrorHandler handler = new ErrorHandler();
        CommandLine cmd =
                new CommandLine(new Rulecast())
                        .setExecutionExceptionHandler(handler)
                        .setParameterExceptionHandler(handler)
                        .setCaseInsensitiveEnumValuesAllowed(true);
        cmd.getCommandSpec().version("rulecast " + version());
        CommandLine completion = cmd.getSubcommands().get("generate-completion");
        completion.getCommandSpec().usageMessage().hidden(false);
        completion
                .getCommandSpec()
                .usageMessage()
                .description(
                        "Print a bash/zsh completion script: source <(rulecast generate-completion)");
        return cmd;
    }

    static String version() {
        String v = Rulecast.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
