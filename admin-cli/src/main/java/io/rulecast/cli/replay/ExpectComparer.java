package io.rulecast.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import io.rulecast.event.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares replay output with expected lines as SPEC.md says: each line as a JSON value, key order
 * irrelevant, numbers by value ({@code 5} equals {@code 5.0}), and the {@code message} of failures
 * and rejections not compared (it explains, it is not a contract). On a difference, {@link
 * Result#report()} is a readable diff with the line numbers of both sides.
 */
public final class ExpectComparer {
    private static final Set<String> MESSAGE_FREE_KINDS = Set.of("failure", "rejected");

    /** Equal lines shown around a difference. */
    private static final int CONTEXT = 1;

    private ExpectComparer() {}

    /** The outcome of a comparison. */
    public record Result(boolean matches, int differences, String report) {}

    /** A line that could not be read as JSON. */
    public static final class BadLineException extends IllegalArgumentException {
        private final int line;

        BadLineException(int line, String message) {
            super(message);
            this.line = line;
        }

        /** 1-based line number in its input. */
        public int line() {
            return line;
        }
    }

    /**
     * @param expected the expected file's lines (blank lines are ignored)
     * @param actual the replay's output lines
     * @param expectedName how to call the expected side in the report
     */
    public static Result compare(List<String> expected, List<String> actual, String expectedName) {
        List<Line> exp = parse(expected);
        List<Line> act = parse(actual);
        List<AbstractDelta<Line>> deltas =
                DiffUtils.diff(exp, act, (Line a, Line b) -> equal(a.node, b.node)).getDeltas();
        if (deltas.isEmpty()) {
            return new Result(true, 0, "");
        }
        int differences = 0;
        StringBuilder sb = new StringBuilder();
        sb.append("--- expected (").append(expectedName).append(")\n");
        sb.append("+++ actual (replay output)\n");
        for (List<AbstractDelta<Line>> hunk : hunks(deltas)) {
            AbstractDelta<Line> first = hunk.get(0);
            AbstractDelta<Line> last = hunk.get(hunk.size() - 1);
            int from = Math.max(0, first.getSource().getPosition() - CONTEXT);
            int to = Math.min(exp.size(), end(last) + CONTEXT);
            int actFrom = from + shift(first);
            int actTo = to + shift(last) + last.getTarget().size() - last.getSource().size();
            sb.append("@@ expected ")
                    .append(span(exp, from, to))
                    .append(", actual ")
                    .append(span(act, actFrom, actTo))
                    .append(" @@\n");
            int position = from;
            int offset = shift(first);
            for (AbstractDelta<Line> d : hunk) {
                equalLines(sb, act, position + offset, d.getSource().getPosition() + offset);
                differences += flush(sb, d.getSource().getLines(), d.getTarget().getLines());
                position = end(d);
                offset = d.getTarget().getPosition() + d.getTarget().size() - position;
            }
            equalLines(sb, act, position + offset, to + offset);
        }
        String summary =
                "replay output differs from "
                        + expectedName
                        + ": "
                        + exp.size()
                        + " expected lines, "
                        + act.size()
                        + " actual, "
                        + differences
                        + (differences == 1 ? " difference\n" : " differences\n");
        return new Result(false, differences, summary + sb);
    }

    /** Changes with at most {@code 2 * CONTEXT} equal lines between them share a hunk. */
    private static List<List<AbstractDelta<Line>>> hunks(List<AbstractDelta<Line>> deltas) {
        List<List<AbstractDelta<Line>>> hunks = new ArrayList<>();
        List<AbstractDelta<Line>> current = new ArrayList<>();
        for (AbstractDelta<Line> d : deltas) {
            if (!current.isEmpty()
                    && d.getSource().getPosition() - end(current.get(current.size() - 1))
                            > 2 * CONTEXT) {
                hunks.add(current);
                current = new ArrayList<>();
            }
            current.add(d);
        }
        hunks.add(current);
        return hunks;
    }

    /** Where a change ends on the expected side. */
    private static int end(AbstractDelta<Line> d) {
        return d.getSource().getPosition() + d.getSource().size();
    }

    /** Actual index minus expected index of the equal lines just before a change. */
    private static int shift(AbstractDelta<Line> d) {
        return d.getTarget().getPosition() - d.getSource().getPosition();
    }

    private static void equalLines(StringBuilder sb, List<Line> act, int from, int to) {
        for (int i = from; i < to; i++) {
            Line l = act.get(i);
            sb.append("  ").append(pad(l.number)).append(l.text).append('\n');
        }
    }

    /**
     * Prints a run of removed and added lines; paired lines also say which fields differ. Returns
     * how many lines differ (a changed line counts once).
     */
    private static int flush(StringBuilder sb, List<Line> deleted, List<Line> inserted) {
        for (Line l : deleted) {
            sb.append("- ").append(pad(l.number)).append(l.text).append('\n');
        }
        for (Line l : inserted) {
            sb.append("+ ").append(pad(l.number)).append(l.text).append('\n');
        }
        int pairs = Math.min(deleted.size(), inserted.size());
        for (int i = 0; i < pairs; i++) {
            List<String> paths = new ArrayList<>();
            differingPaths("", deleted.get(i).node, inserted.get(i).node, paths);
            if (!paths.isEmpty() && paths.size() <= 5) {
                sb.append("    expected line ")
                        .append(deleted.get(i).number)
                        .append(" vs actual line ")
                        .append(inserted.get(i).number)
                        .append(": ")
                        .append(String.join("; ", paths))
                        .append('\n');
            }
        }
        return Math.max(deleted.size(), inserted.size());
    }

    private static String pad(int number) {
        String n = String.valueOf(number);
        return n + ":" + " ".repeat(Math.max(1, 5 - n.length()));
    }

    private static String span(List<Line> lines, int from, int to) {
        if (from >= to) {
            return "(none)";
        }
        int a = lines.get(from).number;
        int b = lines.get(to - 1).number;
        return a == b ? "line " + a : "lines " + a + "-" + b;
    }

    /** A non-blank input line: its 1-based number, text and comparable JSON value. */
    private record Line(int number, String text, JsonNode node) {}

    private static List<Line> parse(List<String> lines) {
        List<Line> out = new ArrayList<>(lines.size());
        int n = 0;
        for (String text : lines) {
            n++;
            if (text.isBlank()) {
                continue;
            }
            try {
                out.add(new Line(n, text.strip(), comparable(Json.MAPPER.readTree(text))));
            } catch (IOException e) {
                throw new BadLineException(n, "line " + n + " is not JSON: " + firstLine(e));
            }
        }
        return out;
    }

    /**
     * The value compared: without the message of failures and rejections, also inside the {@code
     * live} and {@code candidate} lists of a shadow record ({@code replay --candidate}).
     */
    private static JsonNode comparable(JsonNode node) {
        if (node instanceof ObjectNode o && MESSAGE_FREE_KINDS.contains(o.path("kind").asText())) {
            ObjectNode copy = o.deepCopy();
            copy.remove("message");
            return copy;
        }
        if (node instanceof ObjectNode o && o.has("candidateVersion")) {
            ObjectNode copy = o.deepCopy();
            for (String side : List.of("live", "candidate")) {
                if (copy.get(side) instanceof com.fasterxml.jackson.databind.node.ArrayNode lines) {
                    for (int i = 0; i < lines.size(); i++) {
                        lines.set(i, comparable(lines.get(i)));
                    }
                }
            }
            return copy;
        }
        return node;
    }

    /** Deep equality with numbers by value and object keys in any order. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> it = a.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode other = b.get(e.getKey());
                if (other == null || !equal(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.getNodeType() == b.getNodeType() && a.equals(b);
    }

    private static void differingPaths(String path, JsonNode a, JsonNode b, List<String> out) {
        if (equal(a, b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                String p = path.isEmpty() ? k : path + "." + k;
                JsonNode x = a.get(k);
                JsonNode y = b.get(k);
                if (x == null) {
                    out.add(p + " only in actual");
                } else if (y == null) {
                    out.add(p + " missing");
                } else {
                    differingPaths(p, x, y, out);
                }
            }
            return;
        }
        out.add((path.isEmpty() ? "value" : path) + " expected " + a + ", got " + b);
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
