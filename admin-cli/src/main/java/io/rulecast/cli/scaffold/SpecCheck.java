package io.rulecast.cli.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import io.rulecast.runtime.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that what the generated rules did in the real runtime is what the spec says they do
 * ({@link SpecOracle}), line by line, so that a domain's golden files are never merely "whatever
 * the code printed". Numbers compare by value within a relative 1e-9 (JavaScript computes in
 * doubles), also inside alert messages; failure and rejection messages are not compared.
 */
final class SpecCheck {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    private SpecCheck() {}

    /**
     * @return one line per disagreement (at most {@code limit}); empty when the rules do what the
     *     spec says
     */
    static List<String> disagreements(
            DomainSpec spec,
            Map<String, List<Map<String, Object>>> dimRows,
            Language language,
            List<String> events,
            List<String> actual,
            int limit) {
        SpecOracle oracle = new SpecOracle(spec, dimRows, language);
        List<Map<String, Object>> expected = new ArrayList<>();
        for (String e : events) {
            if (!e.isBlank()) {
                expected.addAll(oracle.run(e).lines());
            }
        }
        List<String> out = new ArrayList<>();
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n && out.size() < limit; i++) {
            JsonNode want = i < expected.size() ? Json.MAPPER.valueToTree(expected.get(i)) : null;
            JsonNode got = i < actual.size() ? parse(actual.get(i)) : null;
            if (want == null || got == null) {
                out.add(
                        "output line "
                                + (i + 1)
                                + ": "
                                + (want == null
                                        ? "the rule gave " + got + ", the spec says nothing more"
                                        : "the spec says "
                                                + want
                                                + ", the rule gave nothing more"));
                continue;
            }
            String path = differ("", want, got);
            if (path != null) {
                out.add(
                        "output line "
                                + (i + 1)
                                + " ("
                                + got.path("eventId").asText()
                                + ", "
                                + got.path("kind").asText()
                                + "): "
                                + path
                                + " is "
                                + at(got, path)
                                + ", the spec says "
                                + at(want, path));
            }
        }
        return out;
    }

    /** The value at a dotted path of a line, as JSON text. */
    private static String at(JsonNode line, String path) {
        JsonNode n = line;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n == null
                ? "absent"
                : n.isBigDecimal() ? n.decimalValue().toPlainString() : n.toString();
    }

    private static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where two lines differ, or null. */
    private static String differ(String path, JsonNode want, JsonNode got) {
        if (want.isNumber() && got.isNumber()) {
            return close(want.decimalValue(), got.decimalValue()) ? null : path;
        }
        if (want.isObject() && got.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            want.fieldNames().forEachRemaining(keys::add);
            got.fieldNames().forEachRemaining(keys::add);
            String kind = want.path("kind").asText();
            boolean freeMessage =
                    path.isEmpty() && (kind.equals("failure") || kind.equals("rejected"));
            for (String k : keys) {
                if (freeMessage && k.equals("message")) {
                    continue;
                }
                JsonNode a = want.get(k);
                JsonNode b = got.get(k);
                String p = path.isEmpty() ? k : path + "." + k;
                if (a == null || b == null) {
                    return p;
                }
                String d =
                        path.isEmpty() && k.equals("message")
                                ? sameText(a.asText(), b.asText(), p)
                                : differ(p, a, b);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (want.isArray() && got.isArray() && want.size() == got.size()) {
            Iterator<JsonNode> a = want.elements();
            Iterator<JsonNode> b = got.elements();
            for (int i = 0; a.hasNext(); i++) {
                String d = differ(path + "[" + i + "]", a.next(), b.next());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return want.equals(got) ? null : path;
    }

    /** Texts equal but for how numbers in them are written. */
    private static String sameText(String a, String b, String path) {
        Matcher x = NUMBER.matcher(a);
        Matcher y = NUMBER.matcher(b);
        int i = 0;
        int j = 0;
        while (x.find()) {
            if (!y.find()
                    || !a.substring(i, x.start()).equals(b.substring(j, y.start()))
                    || !close(new BigDecimal(x.group()), new BigDecimal(y.group()))) {
                return path;
            }
            i = x.end();
            j = y.end();
        }
        return y.find() || !a.substring(i).equals(b.substring(j)) ? path : null;
    }

    private static boolean close(BigDecimal a, BigDecimal b) {
        if (a.compareTo(b) == 0) {
            return true;
        }
        double x = a.doubleValue();
        double y = b.doubleValue();
        return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
    }
}
