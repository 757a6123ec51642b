package io.rulecast.cli.demo;

import io.rulecast.cli.CliException;
import io.rulecast.cli.Rulecast;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Runs other rulecast commands inside the demo as a user would type them, so that the demo shows
 * the real commands at work rather than a copy of what they do.
 */
final class CliCalls {
    private static final Pattern HASH = Pattern.compile("\\b([0-9a-f]{12})[0-9a-f]{52}\\b");

    private CliCalls() {}

    /** The command's output lines; a failure ends the demo with that command's own error line. */
    static List<String> run(String... args) {
        CommandLine cmd = Rulecast.commandLine();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        cmd.setOut(new PrintWriter(o, true));
        cmd.setErr(new PrintWriter(e, true));
        int code = cmd.execute(args);
        if (code != 0) {
            String error = e.toString().strip();
            error = error.startsWith("error: ") ? error.substring(7) : error;
            throw new CliException(
                    code, "'rulecast " + args[0] + "' failed: " + DemoConsole.firstLine(error));
        }
        return o.toString().lines().toList();
    }

    /** Version hashes cut to the 12 characters the CLI shows elsewhere. */
    static String shortenHashes(String line) {
        return HASH.matcher(line).replaceAll("$1");
    }
}
