package io.rulecast.cli.scaffold;

import io.rulecast.runtime.Language;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a generated rule spells things in its language. {@link RuleWriter} decides what a rule does;
 * this class only writes it as Groovy or as JavaScript, so both languages behave the same (null for
 * an absent field, never JavaScript's {@code undefined}).
 */
abstract class Syntax {
    static Syntax of(Language language) {
        return language == Language.GROOVY ? new Groovy() : new Js();
    }

    abstract Language language();

    abstract String indent();

    abstract String declare(String name, String value);

    /** A statement as it ends in this language. */
    abstract String statement(String code);

    abstract String eq();

    abstract String ne();

    /** A payload field read into a local: null when absent. */
    abstract String payload(List<String> segments);

    /** A column of a dimension row that may be null. */
    abstract String dimColumn(String row, String column);

    /** A column of the row being built. */
    abstract String rowColumn(String column);

    abstract String event(String attribute, boolean nullable);

    /** {@code value}, or {@code fallback} when it is null. */
    abstract String orElse(String value, String fallback);

    /** A boolean operand of && or || that may be null, as a strict boolean. */
    abstract String strictBoolean(String code);

    abstract String string(String text);

    /** Code spliced into an {@link #interpolate interpolated} string. */
    record Code(String code) {}

    /** A string with values spliced in: parts are literal strings or {@link Code}. */
    abstract String interpolate(List<Object> parts);

    abstract String fail(String message);

    /** A map (or object) literal over several lines, or on one line when {@code inline}. */
    abstract String map(Map<String, String> entries, String indent, boolean inline);

    /** The lines that define {@code datetime} and/or {@code date} from the event's time. */
    abstract List<String> localTime(boolean datetime, boolean date);

    /** Lines defining the helper {@link #orElse} needs, if any. */
    abstract List<String> orElseHelper();

    final String literal(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return string(s);
        }
        return Values.plain(v);
    }

    static final class Groovy extends Syntax {
        /** Names a Groovy property access would not read as a map key. */
        private static final Set<String> SUBSCRIPTED =
                Set.of(
                        "as",
                        "assert",
                        "break",
                        "case",
                        "catch",
                        "class",
                        "const",
                        "continue",
                        "def",
                        "default",
                        "do",
                        "else",
                        "enum",
                        "extends",
                        "false",
                        "finally",
                        "for",
                        "goto",
                        "if",
                        "implements",
                        "import",
                        "in",
                        "instanceof",
                        "interface",
                        "new",
                        "null",
                        "package",
                        "return",
                        "super",
                        "switch",
                        "this",
                        "throw",
                        "throws",
                        "trait",
                        "true",
                        "try",
                        "var",
                        "while",
                        "record",
                        "yields",
                        "permits",
                        "sealed",
                        "metaClass",
                        "properties",
                        "delegate",
                        "owner",
                        "empty");

        @Override
        Language language() {
            return Language.GROOVY;
        }

        @Override
        String indent() {
            return "    ";
        }

        @Override
        String declare(String name, String value) {
            return "def " + name + " = " + value;
        }

        @Override
        String statement(String code) {
            return code;
        }

        @Override
        String eq() {
            return "==";
        }

        @Override
        String ne() {
            return "!=";
        }

        @Override
        String payload(List<String> segments) {
            StringBuilder sb = new StringBuilder("p");
            for (int i = 0; i < segments.size(); i++) {
                String s = segments.get(i);
                String safe = i == 0 ? "" : "?";
                sb.append(SUBSCRIPTED.contains(s) ? safe + "[" + string(s) + "]" : safe + "." + s);
            }
            return sb.toString();
        }

        @Override
        String dimColumn(String row, String column) {
            return SUBSCRIPTED.contains(column)
                    ? row + "?[" + string(column) + "]"
                    : row + "?." + column;
        }

        @Override
        String rowColumn(String column) {
            return SUBSCRIPTED.contains(column) ? "row[" + string(column) + "]" : "row." + column;
        }

        @Override
        String event(String attribute, boolean nullable) {
            return "event." + attribute;
        }

        @Override
        String orElse(String value, String fallback) {
            return "orElse(" + value + ", " + fallback + ")";
        }

        @Override
        String strictBoolean(String code) {
            return code; // Groovy's && and || treat null as false and give a boolean
        }

        @Override
        String string(String text) {
            return "'"
                    + text.replace("\\", "\\\\")
                            .replace("'", "\\'")
                            .replace("\n", "\\n")
                            .replace("\r", "\\r")
                    + "'";
        }

        @Override
        String interpolate(List<Object> parts) {
            StringBuilder sb = new StringBuilder("\"");
            for (Object p : parts) {
                if (p instanceof Code c) {
                    sb.append("${").append(c.code()).append('}');
                } else {
                    sb.append(
                            ((String) p)
                                    .replace("\\", "\\\\")
                                    .replace("\"", "\\\"")
                                    .replace("$", "\\$")
                                    .replace("\n", "\\n"));
                }
            }
            return sb.append('"').toString();
        }

        @Override
        String fail(String message) {
            return "throw new IllegalArgumentException(" + string(message) + ")";
        }

        @Override
        String map(Map<String, String> entries, String indent, boolean inline) {
            if (entries.isEmpty()) {
                return "[:]";
            }
            int width = entries.keySet().stream().mapToInt(k -> key(k).length()).max().orElse(0);
            StringBuilder sb = new StringBuilder("[");
            boolean first = true;
            for (Map.Entry<String, String> e : entries.entrySet()) {
                String k = key(e.getKey());
                if (inline) {
                    sb.append(first ? "" : ", ").append(k).append(": ").append(e.getValue());
                } else {
                    sb.append('\n')
                            .append(indent)
                            .append(indent())
                            .append(k)
                            .append(" ".repeat(width - k.length()))
                            .append(": ")
                            .append(e.getValue())
                            .append(',');
                }
                first = false;
            }
            return sb.append(inline ? "]" : "\n" + indent + "]").toString();
        }

        private String key(String k) {
            return JsonAt.IDENTIFIER.matcher(k).matches() && !SUBSCRIPTED.contains(k)
                    ? k
                    : string(k);
        }

        @Override
        List<String> localTime(boolean datetime, boolean date) {
            List<String> out = new java.util.ArrayList<>();
            out.add("def offset = java.time.ZoneOffset.ofHours(ctx.config.utc_offset_hours ?: 0)");
            out.add("def at = java.time.Instant.ofEpochMilli(event.timestamp).atOffset(offset)");
            if (datetime) {
                out.add(
                        "def datetime = at.format(java.time.format.DateTimeFormatter.ofPattern('yyyy-MM-dd HH:mm:ss'))");
            }
            if (date) {
                out.add("def date = at.toLocalDate().toString()");
            }
            return out;
        }

        @Override
        List<String> orElseHelper() {
            return List.of("def orElse = { value, fallback -> value != null ? value : fallback }");
        }
    }

    static final class Js extends Syntax {
        @Override
        Language language() {
            return Language.JS;
        }

        @Override
        String indent() {
            return "  ";
        }

        @Override
        String declare(String name, String value) {
            return "const " + name + " = " + value + ";";
        }

        @Override
        String statement(String code) {
            return code + ";";
        }

        @Override
        String eq() {
            return "===";
        }

        @Override
        String ne() {
            return "!==";
        }

        @Override
        String payload(List<String> segments) {
            StringBuilder sb = new StringBuilder("p");
            for (int i = 0; i < segments.size(); i++) {
                sb.append(i == 0 ? "." : "?.").append(segments.get(i));
            }
            return sb.append(" ?? null").toString();
        }

        @Override
        String dimColumn(String row, String column) {
            return "(" + row + "?." + column + " ?? null)";
        }

        @Override
        String rowColumn(String column) {
            return "row." + column;
        }

        @Override
        String event(String attribute, boolean nullable) {
            return nullable ? "(event." + attribute + " ?? null)" : "event." + attribute;
        }

        @Override
        String orElse(String value, String fallback) {
            return "(" + value + " ?? " + fallback + ")";
        }

        @Override
        String strictBoolean(String code) {
            return "(" + code + " === true)";
        }

        @Override
        String string(String text) {
            return "'"
                    + text.replace("\\", "\\\\")
                            .replace("'", "\\'")
                            .replace("\n", "\\n")
                            .replace("\r", "\\r")
                    + "'";
        }

        @Override
        String interpolate(List<Object> parts) {
            StringBuilder sb = new StringBuilder("`");
            for (Object p : parts) {
                if (p instanceof Code c) {
                    sb.append("${").append(c.code()).append('}');
                } else {
                    sb.append(
                            ((String) p)
                                    .replace("\\", "\\\\")
                                    .replace("`", "\\`")
                                    .replace("${", "\\${")
                                    .replace("\n", "\\n"));
                }
            }
            return sb.append('`').toString();
        }

        @Override
        String fail(String message) {
            return "throw new Error(" + string(message) + ");";
        }

        @Override
        String map(Map<String, String> entries, String indent, boolean inline) {
            if (entries.isEmpty()) {
                return "{}";
            }
            StringBuilder sb = new StringBuilder(inline ? "{ " : "{");
            boolean first = true;
            for (Map.Entry<String, String> e : entries.entrySet()) {
                String k =
                        JsonAt.IDENTIFIER.matcher(e.getKey()).matches()
                                ? e.getKey()
                                : string(e.getKey());
                if (inline) {
                    sb.append(first ? "" : ", ").append(k).append(": ").append(e.getValue());
                } else {
                    sb.append('\n')
                            .append(indent)
                            .append(indent())
                            .append(k)
                            .append(": ")
                            .append(e.getValue())
                            .append(',');
                }
                first = false;
            }
            return sb.append(inline ? " }" : "\n" + indent + "}").toString();
        }

        @Override
        List<String> localTime(boolean datetime, boolean date) {
            List<String> out = new java.util.ArrayList<>();
            out.add("const offsetMillis = (ctx.config.utc_offset_hours ?? 0) * 3600000;");
            out.add(
                    "const at = new Date(event.timestamp + offsetMillis).toISOString(); // local time, written as UTC");
            if (datetime) {
                out.add("const datetime = at.slice(0, 19).replace('T', ' ');");
            }
            if (date) {
                out.add("const date = at.slice(0, 10);");
            }
            return out;
        }

        @Override
        List<String> orElseHelper() {
            return List.of();
        }
    }
}
