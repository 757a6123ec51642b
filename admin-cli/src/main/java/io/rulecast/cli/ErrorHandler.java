package io.rulecast.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one place where failures become exit codes and the single line a person reads. A {@link
 * CliException} already says what to do; anything else is reported by its root cause. Stack traces
 * only with {@code --verbose}.
 */
public final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        CliException known = find(ex, CliException.class);
        int code;
        String message;
        if (known != null) {
            code = known.exitCode();
            message = known.getMessage();
        } else if (find(ex, IOException.class) != null || ex instanceof UncheckedIOException) {
            IOException io = find(ex, IOException.class);
            code = CliException.USAGE;
            message = describeIo(io);
        } else {
            code = CliException.FAILED_CHECK;
            message =
                    cmd.getCommandName()
                            + " failed: "
                            + describe(root(ex))
                            + " (run again with --verbose for details)";
        }
        if (message != null && !message.isEmpty()) {
            err.println("error: " + message);
        }
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        StringBuilder line = new StringBuilder("error: ").append(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean ")
                        .append(
                                String.join(
                                        " or ",
                                        suggestions.subList(0, Math.min(3, suggestions.size()))))
                        .append("?)");
            }
        }
        line.append(" — see '").append(cmd.getCommandSpec().qualifiedName()).append(" --help'");
        err.println(line);
        err.flush();
        return CliException.USAGE;
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    private static String describeIo(IOException e) {
        if (e instanceof NoSuchFileException nf) {
            return "no such file: " + nf.getFile();
        }
        return "cannot read or write a file: " + describe(e);
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        String name = t.getClass().getSimpleName();
        return m == null || m.isBlank() ? name : name + ": " + m;
    }
}
