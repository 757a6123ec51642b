package io.rulecast.cli.scaffold;

import io.rulecast.runtime.Language;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groovy spelling of generated rules: Groovy's {@code ==} compares numbers by value and its {@code
 * &&} treats null as false.
 */
final class GroovySyntax extends Syntax {
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
                                .replace("\n", "\\n")
                                .replace("\r", "\\r"));
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
        return JsonAt.IDENTIFIER.matcher(k).matches() && !SUBSCRIPTED.contains(k) ? k : string(k);
    }

    @Override
    List<String> localTime(boolean datetime, boolean date) {
        List<String> out = new ArrayList<>();
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
        return List.of(
                "",
                "// The value, else the fallback when it is null (Groovy's ?: would replace '' and 0 as well).",
                "def orElse = { value, fallback -> value != null ? value : fallback }");
    }
}
