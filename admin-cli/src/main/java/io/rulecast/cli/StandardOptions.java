package io.rulecast.cli;

import picocli.CommandLine.Option;

/** The options every verb has: help and {@code --verbose}. Mixed into each command. */
public final class StandardOptions {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = "--verbose",
            description = "Print stack traces of errors (for reporting a bug).")
    boolean verbose;

    public boolean verbose() {
        return verbose;
    }
}
