package io.rulecast.cli.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON value of the spec with its path ({@code $.events[0].fields[2]}), so that every complaint
 * about it names where it is.
 */
record JsonAt(JsonNode node, String path) {
    /** Table, column, dimension, alert, metric and counter names: SQL and script identifiers. */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** Domains and event types come from the events themselves: a little more is allowed. */
    static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}");

    JsonAt get(String key) {
        return new JsonAt(node == null ? null : node.get(key), path + "." + key);
    }

    boolean present() {
        return node != null && !node.isNull();
    }

    /** This value as an object that may hold only {@code allowed} keys. */
    JsonAt object(Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new SpecException(path, "expected a JSON object, got " + describe(), null);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new SpecException(
                        path + "." + k,
                        "unknown key '" + k + "'",
                        "use one of " + String.join(", ", allowed));
            }
        }
        return this;
    }

    /** The elements of an array value; {@code required} says whether it may be absent. */
    List<JsonAt> elements(boolean required, boolean nonEmpty) {
        if (!present()) {
            if (required) {
                throw new SpecException(path, "is missing", "give a JSON array");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw new SpecException(path, "expected a JSON array, got " + describe(), null);
        }
        if (nonEmpty && node.isEmpty()) {
            throw new SpecException(path, "is empty", "give at least one element");
        }
        List<JsonAt> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(new JsonAt(node.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    /** The members of an object value, in order. */
    List<Map.Entry<String, JsonAt>> members() {
        if (node == null || !node.isObject()) {
            throw new SpecException(path, "expected a JSON object, got " + describe(), null);
        }
        List<Map.Entry<String, JsonAt>> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(Map.entry(e.getKey(), new JsonAt(e.getValue(), path + "." + e.getKey())));
        }
        return out;
    }

    /** A string value; null when absent and not required. */
    String text(boolean required) {
        if (!present()) {
            if (required) {
                throw new SpecException(path, "is missing", "give a string");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new SpecException(path, "expected a non-empty string, got " + describe(), null);
        }
        return node.asText();
    }

    /** A required identifier (see {@link #IDENTIFIER}). */
    String identifier() {
        String s = text(true);
        if (!IDENTIFIER.matcher(s).matches()) {
            throw new SpecException(
                    path,
                    "'" + s + "' is not a valid identifier",
                    "use letters, digits and _ (not first), at most 64 characters, e.g. "
                            + suggestIdentifier(s));
        }
        return s;
    }

    /** A required domain or event type name (see {@link #EVENT_NAME}). */
    String eventName() {
        String s = text(true);
        if (!EVENT_NAME.matcher(s).matches()) {
            throw new SpecException(
                    path,
                    "'" + s + "' is not a valid name",
                    "use letters, digits, _ . : and -, at most 64 characters (no / or spaces)");
        }
        return s;
    }

    boolean bool(boolean defaultValue) {
        if (!present()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw new SpecException(path, "expected true or false, got " + describe(), null);
        }
        return node.asBoolean();
    }

    /** A plain JSON value (maps, lists, BigDecimal for decimals). */
    Object plain() {
        return node == null ? null : Json.MAPPER.convertValue(node, Object.class);
    }

    String describe() {
        if (node == null) {
            return "nothing";
        }
        String s = node.toString();
        String type =
                switch (node.getNodeType()) {
                    case STRING -> "a string";
                    case NUMBER -> "a number";
                    case BOOLEAN -> "a boolean";
                    case ARRAY -> "an array";
                    case OBJECT -> "an object";
                    case NULL -> "null";
                    default -> "a value";
                };
        return type + (node.isContainerNode() || s.length() > 40 ? "" : " (" + s + ")");
    }

    /** A valid identifier close to {@code s}, for the error message. */
    static String suggestIdentifier(String s) {
        String t = s.replaceAll("[^A-Za-z0-9_]+", "_").replaceAll("^_+|_+$", "");
        if (t.isEmpty() || Character.isDigit(t.charAt(0))) {
            t = "c_" + t;
        }
        return t.length() > 64 ? t.substring(0, 64) : t;
    }
}
