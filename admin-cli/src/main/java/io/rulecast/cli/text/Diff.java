package io.rulecast.cli.text;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * The shortest edit between two sequences (longest common subsequence), for script diffs and for
 * comparing replay output with expected lines. Common head and tail are matched first, so the
 * quadratic part only covers what changed.
 */
public final class Diff {
    /** What happened to one element. */
    public enum Op {
        EQUAL,
        DELETE,
        INSERT
    }

    /**
     * One step of the edit: {@code a} and {@code b} are 0-based positions in the two inputs (-1 for
     * the side the element is absent from).
     */
    public record Edit(Op op, int a, int b) {}

    /** Past this many cells the middle is treated as replaced whole, to bound memory. */
    private static final long MAX_CELLS = 16_000_000L;

    private Diff() {}

    public static <T> List<Edit> compute(List<T> a, List<T> b, BiPredicate<T, T> equal) {
        int n = a.size();
        int m = b.size();
        int head = 0;
        while (head < n && head < m && equal.test(a.get(head), b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < n - head
                && tail < m - head
                && equal.test(a.get(n - 1 - tail), b.get(m - 1 - tail))) {
            tail++;
        }
        List<Edit> edits = new ArrayList<>(n + m);
        for (int i = 0; i < head; i++) {
            edits.add(new Edit(Op.EQUAL, i, i));
        }
        int an = n - head - tail;
        int bn = m - head - tail;
        if ((long) (an + 1) * (bn + 1) > MAX_CELLS) {
            for (int i = 0; i < an; i++) {
                edits.add(new Edit(Op.DELETE, head + i, -1));
            }
            for (int j = 0; j < bn; j++) {
                edits.add(new Edit(Op.INSERT, -1, head + j));
            }
        } else {
            middle(a, b, equal, head, an, bn, edits);
        }
        for (int k = 0; k < tail; k++) {
            edits.add(new Edit(Op.EQUAL, n - tail + k, m - tail + k));
        }
        return edits;
    }

    private static <T> void middle(
            List<T> a,
            List<T> b,
            BiPredicate<T, T> equal,
            int off,
            int an,
            int bn,
            List<Edit> out) {
        // lcs[i][j] = length of the LCS of a[i..] and b[j..]
        int[][] lcs = new int[an + 1][bn + 1];
        for (int i = an - 1; i >= 0; i--) {
            for (int j = bn - 1; j >= 0; j--) {
                lcs[i][j] =
                        equal.test(a.get(off + i), b.get(off + j))
                                ? lcs[i + 1][j + 1] + 1
                                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < an || j < bn) {
            if (i < an && j < bn && equal.test(a.get(off + i), b.get(off + j))) {
                out.add(new Edit(Op.EQUAL, off + i++, off + j++));
            } else if (j < bn && (i == an || lcs[i][j + 1] > lcs[i + 1][j])) {
                out.add(new Edit(Op.INSERT, -1, off + j++));
            } else {
                out.add(new Edit(Op.DELETE, off + i++, -1));
            }
        }
    }

    /** A hunk: edits {@code [from, to)} of the edit list. */
    public record Hunk(int from, int to) {}

    /** Groups edits into hunks: runs of changes with up to {@code context} equal lines around. */
    public static List<Hunk> hunks(List<Edit> edits, int context) {
        List<Hunk> hunks = new ArrayList<>();
        int k = 0;
        while (k < edits.size()) {
            while (k < edits.size() && edits.get(k).op() == Op.EQUAL) {
                k++;
            }
            if (k == edits.size()) {
                break;
            }
            int start = Math.max(0, k - context);
            int end = k;
            // extend while the next change is within 2 * context equal lines
            while (true) {
                while (end < edits.size() && edits.get(end).op() != Op.EQUAL) {
                    end++;
                }
                int eq = end;
                while (eq < edits.size()
                        && edits.get(eq).op() == Op.EQUAL
                        && eq - end <= 2 * context) {
                    eq++;
                }
                if (eq < edits.size()
                        && edits.get(eq).op() != Op.EQUAL
                        && eq - end <= 2 * context) {
                    end = eq;
                } else {
                    end = Math.min(edits.size(), end + context);
                    break;
                }
            }
            hunks.add(new Hunk(start, end));
            k = end;
        }
        return hunks;
    }
}
