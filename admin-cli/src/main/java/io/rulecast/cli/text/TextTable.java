package io.rulecast.cli.text;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain table for people: a header row, columns padded to their widest cell. Widths are terminal
 * columns, not {@code String.length()}: Chinese names and chapters take two columns per character,
 * and padding by length would push every later column out of line.
 */
public final class TextTable {
    private static final String GAP = "  ";

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private String indent = "";
    private String empty = "";
    private boolean ruled;

    public TextTable(String... headers) {
        this(Arrays.asList(headers));
    }

    public TextTable(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    /** Put in front of every line. */
    public TextTable indent(String indent) {
        this.indent = indent;
        return this;
    }

    /** A line of dashes under the header. */
    public TextTable ruled() {
        this.ruled = true;
        return this;
    }

    /** What a null cell shows (default: nothing). */
    public TextTable nullAs(String text) {
        this.empty = text;
        return this;
    }

    public TextTable row(Object... cells) {
        return row(Arrays.asList(cells));
    }

    public TextTable row(List<?> cells) {
        List<String> r = new ArrayList<>(cells.size());
        for (Object c : cells) {
            r.add(c == null ? empty : c.toString());
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
            width[i] = DisplayWidth.of(headers.get(i));
        }
        for (List<String> r : rows) {
            for (int i = 0; i < width.length && i < r.size(); i++) {
                width[i] = Math.max(width[i], DisplayWidth.of(r.get(i)));
            }
        }
        line(out, headers, width);
        if (ruled) {
            List<String> rule = new ArrayList<>();
            for (int w : width) {
                rule.add("-".repeat(w));
            }
            line(out, rule, width);
        }
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
                sb.append(" ".repeat(width[i] - DisplayWidth.of(c))).append(GAP);
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
