package io.rulecast.cli.commands;

import io.rulecast.cli.StandardOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every verb has: the standard options and the command line's out and err writers. */
abstract class BaseCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StandardOptions standard;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
