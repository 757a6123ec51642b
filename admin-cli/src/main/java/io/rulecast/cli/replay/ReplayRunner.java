package io.rulecast.cli.replay;

import io.rulecast.cli.CliException;
import io.rulecast.routing.ReplayLines;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives a {@link Replayer} over an events file for {@code replay} and {@code push --replay}:
 * prints the lines or compares them with {@code --expect}, draws a progress bar on a terminal.
 */
public final class ReplayRunner {
    private ReplayRunner() {}

    /** What happened: the counts, and whether the output matched (null without --expect). */
    public record Result(Replayer.Stats stats, Boolean matched, int differences) {}

    public static Result run(
            Replayer replayer, Path events, Path expect, PrintWriter out, PrintWriter err) {
        List<String> actual = expect == null ? null : new ArrayList<>();
        ProgressBar bar = ProgressBar.forInput(err, size(events));
        java.util.function.Consumer<java.util.Map<String, Object>> emit =
                m -> {
                    String text = ReplayLines.format(m);
                    if (actual != null) {
                        actual.add(text);
                    } else {
                        out.println(text);
                    }
                };
        try (InputStream in = new BufferedInputStream(Files.newInputStream(events), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            long bytes = 0;
            int b;
            while (true) {
                b = in.read();
                if (b != '\n' && b != -1) {
                    line.write(b);
                    continue;
                }
                bytes += line.size() + 1;
                byte[] value = withoutCarriageReturn(line.toByteArray());
                line.reset();
                if (!isBlank(value)) {
                    replayer.replay(value, emit);
                    if (bar != null) {
                        bar.update(bytes, replayer.stats().events);
                    }
                }
                if (b == -1) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (bar != null) {
                bar.finish();
            }
        }
        replayer.trailer().forEach(emit);
        out.flush();
        if (expect == null) {
            return new Result(replayer.stats(), null, 0);
        }
        List<String> expected;
        try {
            expected = Files.readAllLines(expect, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExpectComparer.Result cmp;
        try {
            cmp = ExpectComparer.compare(expected, actual, expect.toString());
        } catch (ExpectComparer.BadLineException e) {
            throw CliException.usage(
                    expect
                            + ":"
                            + e.line()
                            + ": not JSON — each line must be one"
                            + " JSON object as replay prints it");
        }
        if (!cmp.matches()) {
            out.print(cmp.report());
            out.flush();
        }
        return new Result(replayer.stats(), cmp.matches(), cmp.differences());
    }

    public static String summary(Replayer.Stats s, int rules) {
        return "replayed "
                + s.events
                + (s.events == 1 ? " event" : " events")
                + " through "
                + rules
                + (rules == 1 ? " rule: " : " rules: ")
                + s.outputs
                + " outputs, "
                + s.failures
                + (s.failures == 1 ? " failure, " : " failures, ")
                + s.rejected
                + " rejected, "
                + s.unmatched
                + " matched no rule";
    }

    private static byte[] withoutCarriageReturn(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\r'
                ? Arrays.copyOf(line, line.length - 1)
                : line;
    }

    private static boolean isBlank(byte[] line) {
        for (byte c : line) {
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
