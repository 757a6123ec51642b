package io.rulecast.cli.text;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;

/**
 * {@code diff -u} of two texts, line by line, with three lines of context: java-diff-utils' Myers
 * diff, which has no size limit (an empty side's range reads {@code -1,0}, which patch accepts).
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;

    private UnifiedDiff() {}

    /** The unified diff, or an empty string when the texts are equal. */
    public static String of(String fromName, String a, String toName, String b) {
        List<String> x = lines(a);
        List<String> y = lines(b);
        Patch<String> patch = DiffUtils.diff(x, y);
        if (patch.getDeltas().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String line :
                UnifiedDiffUtils.generateUnifiedDiff(fromName, toName, x, patch, CONTEXT)) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** The lines of {@code s}; a last line without a newline counts, an empty text has none. */
    static List<String> lines(String s) {
        return s == null || s.isEmpty() ? List.of() : s.lines().toList();
    }
}
