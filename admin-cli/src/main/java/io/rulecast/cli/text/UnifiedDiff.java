package io.rulecast.cli.text;

import io.rulecast.cli.text.Diff.Edit;
import java.util.ArrayList;
import java.util.List;

/** {@code diff -u} of two texts, line by line, with three lines of context. */
public final class UnifiedDiff {
    private UnifiedDiff() {}

    /** The unified diff, or an empty string when the texts are equal. */
    public static String of(String fromName, String a, String toName, String b) {
        List<String> x = lines(a);
        List<String> y = lines(b);
        List<Edit> edits = Diff.compute(x, y, String::equals);
        List<Diff.Hunk> hunks = Diff.hunks(edits, 3);
        if (hunks.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("--- ").append(fromName).append('\n');
        sb.append("+++ ").append(toName).append('\n');
        for (Diff.Hunk h : hunks) {
            // lines of each side before the hunk: where an empty side's range points
            int aBefore = 0;
            int bBefore = 0;
            for (int k = 0; k < h.from(); k++) {
                aBefore += edits.get(k).a() >= 0 ? 1 : 0;
                bBefore += edits.get(k).b() >= 0 ? 1 : 0;
            }
            int aLen = 0;
            int bLen = 0;
            for (int k = h.from(); k < h.to(); k++) {
                aLen += edits.get(k).a() >= 0 ? 1 : 0;
                bLen += edits.get(k).b() >= 0 ? 1 : 0;
            }
            sb.append("@@ -")
                    .append(range(aBefore, aLen))
                    .append(" +")
                    .append(range(bBefore, bLen))
                    .append(" @@\n");
            for (int k = h.from(); k < h.to(); k++) {
                Edit e = edits.get(k);
                switch (e.op()) {
                    case EQUAL -> sb.append(' ').append(x.get(e.a()));
                    case DELETE -> sb.append('-').append(x.get(e.a()));
                    case INSERT -> sb.append('+').append(y.get(e.b()));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** diff's hunk range: 1-based start and length; an empty side names the line before it. */
    private static String range(int before, int len) {
        if (len == 0) {
            return before + ",0";
        }
        return len == 1 ? String.valueOf(before + 1) : (before + 1) + "," + len;
    }

    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        int from = 0;
        while (from < s.length()) {
            int nl = s.indexOf('\n', from);
            if (nl < 0) {
                out.add(s.substring(from));
                break;
            }
            out.add(s.substring(from, nl));
            from = nl + 1;
        }
        return out;
    }
}
