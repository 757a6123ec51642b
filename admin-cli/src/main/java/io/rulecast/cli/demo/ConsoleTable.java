package io.rulecast.cli.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A text table with ruled header, aligned by terminal display width: Chinese names and chapters
 * take two columns per character, so padding by {@code String.length()} would break the columns.
 */
public final class ConsoleTable {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final String indent;

    public ConsoleTable(String indent, List<String> headers) {
        this.indent = indent;
        this.headers = List.copyOf(headers);
    }

    public ConsoleTable row(List<?> cells) {
        List<String> r = new ArrayList<>(cells.size());
        for (Object c : cells) {
            r.add(c == null ? "-" : c.toString());
        }
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size();
    }

    public void print(PrintWriter out) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = displayWidth(headers.get(i));
        }
        for (List<String> r : rows) {
            for (int i = 0; i < width.length && i < r.size(); i++) {
                width[i] = Math.max(width[i], displayWidth(r.get(i)));
            }
        }
        line(out, headers, width);
        StringBuilder rule = new StringBuilder(indent);
        for (int i = 0; i < width.length; i++) {
            rule.append("-".repeat(width[i]));
            if (i < width.length - 1) {
                rule.append("  ");
            }
        }
        out.println(rule);
        for (List<String> r : rows) {
            line(out, r, width);
        }
        out.flush();
    }

    private void line(PrintWriter out, List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder(indent);
        for (int i = 0; i < width.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            sb.append(c);
            if (i < width.length - 1) {
                sb.append(" ".repeat(width[i] - displayWidth(c) + 2));
            }
        }
        out.println(sb.toString().stripTrailing());
    }

    /** Columns a terminal uses for {@code s}: two for East Asian wide and full-width characters. */
    public static int displayWidth(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            w += isWide(cp) ? 2 : 1;
            i += Character.charCount(cp);
        }
        return w;
    }

    static boolean isWide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F)
                || (cp >= 0x2E80 && cp <= 0x303E)
                || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFE30 && cp <= 0xFE4F)
                || (cp >= 0xFF00 && cp <= 0xFF60)
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x20000 && cp <= 0x3FFFD);
    }
}
