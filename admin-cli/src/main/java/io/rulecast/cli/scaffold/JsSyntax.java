package io.rulecast.cli.scaffold;

import io.rulecast.runtime.Language;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JavaScript spelling of generated rules: every value that may be absent is turned into null with
 * {@code ?? null}, and {@code ===} compares.
 */
final class JsSyntax extends Syntax {
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
        String nullable = " ?? null)";
        String v =
                value.startsWith("(") && value.endsWith(nullable)
                        ? value.substring(1, value.length() - nullable.length())
                        : value;
        return "(" + v + " ?? " + fallback + ")";
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
                                .replace("\n", "\\n")
                                .replace("\r", "\\r"));
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
        List<String> out = new ArrayList<>();
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
