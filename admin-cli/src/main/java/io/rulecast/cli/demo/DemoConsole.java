package io.rulecast.cli.demo;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * How the demo talks: numbered steps with the seconds each took ({@code [3/9] … (1.2 s)}), and
 * indented details under them. Flushed line by line, so that a slow step shows while it runs.
 */
public final class DemoConsole {
    static final String INDENT = "      ";

    private final PrintWriter out;
    private final int steps;
    private final long startNanos = System.nanoTime();
    private long stepNanos = startNanos;
    private int step;

    public DemoConsole(PrintWriter out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    /** The next step, done now. */
    public void step(String text) {
        long now = System.nanoTime();
        step++;
        out.printf(
                Locale.ROOT,
                "%s[%d/%d] %s (%.1f s)%n",
                step == 1 ? "" : "\n",
                step,
                steps,
                text,
                seconds(now - stepNanos));
        out.flush();
        stepNanos = now;
    }

    /** A line under the current step. */
    public void detail(String line) {
        out.println(INDENT + line);
        out.flush();
    }

    /** A line of its own, not indented. */
    public void line(String text) {
        out.println(text);
        out.flush();
    }

    public void blank() {
        out.println();
        out.flush();
    }

    /** For tables, which indent their own lines. */
    public PrintWriter out() {
        return out;
    }

    public double secondsSinceStart() {
        return seconds(System.nanoTime() - startNanos);
    }

    static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** The first line of a message, for one-line errors. */
    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
