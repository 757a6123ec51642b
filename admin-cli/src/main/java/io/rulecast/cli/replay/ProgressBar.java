package io.rulecast.cli.replay;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A one-line progress bar on stderr for long replays, redrawn at most ten times a second. Shown
 * only when stderr is a terminal, so redirected output and tests never see it.
 */
public final class ProgressBar {
    /** Inputs smaller than this finish before a bar would help. */
    public static final long THRESHOLD_BYTES = 1L << 20;

    private final PrintWriter err;
    private final long total;
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(PrintWriter err, long total) {
        this.err = err;
        this.total = Math.max(1, total);
    }

    /** A bar for an input of {@code totalBytes}, or null when none should be shown. */
    public static ProgressBar forInput(PrintWriter err, long totalBytes) {
        return totalBytes >= THRESHOLD_BYTES && stderrIsTerminal()
                ? new ProgressBar(err, totalBytes)
                : null;
    }

    public void update(long doneBytes, long events) {
        long now = System.nanoTime();
        if (drawn && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        drawn = true;
        int pct = (int) Math.min(100, doneBytes * 100 / total);
        int width = 30;
        int filled = pct * width / 100;
        err.print(
                "\r["
                        + "#".repeat(filled)
                        + " ".repeat(width - filled)
                        + "] "
                        + pct
                        + "% "
                        + events
                        + " events");
        err.flush();
    }

    /** Clears the bar so the summary line starts clean. */
    public void finish() {
        if (drawn) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
    }

    /**
     * Whether fd 2 is a terminal. The JDK only answers that for stdin and stdout together ({@link
     * System#console()}), so on Linux ask /proc where fd 2 points.
     */
    static boolean stderrIsTerminal() {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
            String t = target.toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }
}
