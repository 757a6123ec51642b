package io.rulecast.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a plain SQL script (the examples' DDL and dimension data) into statements: on {@code ;}
 * outside quotes and comments. {@code --} and {@code #} line comments and {@code /* *}{@code /}
 * block comments are dropped; no {@code DELIMITER} support (the scripts have no routines).
 */
public final class SqlScript {
    private SqlScript() {}

    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(script, i, c);
                sb.append(script, i, end);
                i = end;
            } else if (c == '-' && script.startsWith("--", i) && dashCommentAt(script, i)
                    || c == '#') {
                int nl = script.indexOf('\n', i);
                i = nl < 0 ? n : nl;
            } else if (c == '/' && script.startsWith("/*", i)) {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                sb.append(' ');
            } else if (c == ';') {
                add(out, sb);
                i++;
            } else {
                sb.append(c);
                i++;
            }
        }
        add(out, sb);
        return out;
    }

    /** MySQL needs whitespace (or the end) after {@code --} for it to start a comment. */
    private static boolean dashCommentAt(String s, int i) {
        return i + 2 >= s.length() || Character.isWhitespace(s.charAt(i + 2));
    }

    /** Index just past the quote that closes the one at {@code start} (doubled or escaped). */
    private static int closingQuote(String s, int start, char q) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && q != '`') {
                i += 2;
            } else if (c == q) {
                if (i + 1 < s.length() && s.charAt(i + 1) == q) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static void add(List<String> out, StringBuilder sb) {
        String stmt = sb.toString().strip();
        if (!stmt.isEmpty()) {
            out.add(stmt);
        }
        sb.setLength(0);
    }
}
