package io.rulecast.cli.scaffold;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.ParseResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drafts a spec from sample events: the event types of a domain with their payload fields — JSON
 * types, optional when some events lack them, nested objects flattened by path, arrays kept whole —
 * and a wide table keyed by the id field the event types share, with a column per field, the time
 * of each event type and a count of each. Says what it guessed.
 */
public final class EventInference {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern OFFSET =
            Pattern.compile("\"timestamp\"\\s*:\\s*\"[^\"]*([+-]\\d\\d):?(\\d\\d)\"");
    private static final int EXAMPLES = 3;

    /** The draft spec (JSON text) and one line per guess. */
    public record Draft(String specJson, List<String> notes) {}

    /** What the sample says about one payload field of one event type. */
    static final class Seen {
        final String path;
        int count;
        final Set<String> types = new LinkedHashSet<>();
        final List<Object> examples = new ArrayList<>();
        final Set<String> distinct = new LinkedHashSet<>();
        int maxLength;
        int maxScale;
        boolean digitStrings = true;

        Seen(String path) {
            this.path = path;
        }
    }

    private EventInference() {}

    /**
     * @param source how to name the input in messages
     * @throws IllegalArgumentException when the input has no valid event of the domain
     */
    public static Draft infer(List<String> lines, String domain, String source) {
        List<String> notes = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Map<String, Seen>> fields = new LinkedHashMap<>();
        Map<String, Integer> rejected = new LinkedHashMap<>();
        Set<String> otherDomains = new LinkedHashSet<>();
        Map<String, Integer> offsets = new LinkedHashMap<>();
        EventParser parser = new EventParser();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            ParseResult r = parser.parse(line);
            if (r instanceof ParseResult.Rejected x) {
                rejected.merge(x.reason().name(), 1, Integer::sum);
                continue;
            }
            BusinessEvent e = ((ParseResult.Parsed) r).event();
            if (!e.domain().equals(domain)) {
                otherDomains.add(e.domain());
                continue;
            }
            counts.merge(e.type(), 1, Integer::sum);
            Map<String, Seen> byPath = fields.computeIfAbsent(e.type(), t -> new LinkedHashMap<>());
            walk("", e.payload(), byPath, notes);
            Matcher m = OFFSET.matcher(line);
            if (m.find()) {
                offsets.merge(m.group(1), 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException(
                    source
                            + " has no valid event of domain '"
                            + domain
                            + "'"
                            + (otherDomains.isEmpty()
                                    ? ""
                                    : " (it has " + String.join(", ", otherDomains) + ")"));
        }
        if (!rejected.isEmpty()) {
            notes.add(
                    "left out "
                            + rejected.values().stream().mapToInt(Integer::intValue).sum()
                            + " lines that are not valid events ("
                            + rejected
                            + ")");
        }
        if (!otherDomains.isEmpty()) {
            notes.add("left out the events of other domains: " + String.join(", ", otherDomains));
        }
        return new Draft(
                DomainFiles.pretty(new SpecDrafter(domain, counts, fields, offsets, notes).spec()),
                List.copyOf(notes));
    }

    @SuppressWarnings("unchecked")
    private static void walk(
            String prefix, Map<String, Object> object, Map<String, Seen> out, List<String> notes) {
        for (Map.Entry<String, Object> e : object.entrySet()) {
            String path = prefix + e.getKey();
            if (!SEGMENT.matcher(e.getKey()).matches()) {
                String note =
                        "left out field '"
                                + path
                                + "': rules read fields whose names are letters, digits, _ and $";
                if (!notes.contains(note)) {
                    notes.add(note);
                }
                continue;
            }
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                walk(path + ".", (Map<String, Object>) m, out, notes);
                continue;
            }
            if (v == null) {
                continue;
            }
            Seen s = out.computeIfAbsent(path, Seen::new);
            s.count++;
            String type = typeOf(v);
            s.types.add(type);
            String text = String.valueOf(v);
            if (s.distinct.add(text)
                    && s.examples.size() < EXAMPLES
                    && !(v instanceof Map)
                    && !(v instanceof List)) {
                s.examples.add(v);
            }
            if (v instanceof String str) {
                s.maxLength = Math.max(s.maxLength, str.length());
                s.digitStrings &= str.matches("\\d+");
            } else {
                s.digitStrings = false;
            }
            if (v instanceof Number) {
                s.maxScale =
                        Math.max(
                                s.maxScale,
                                Math.max(0, Values.decimal(v).stripTrailingZeros().scale()));
            }
        }
    }

    static String typeOf(Object v) {
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof List) {
            return "array";
        }
        if (v instanceof Map) {
            return "object";
        }
        return Values.decimal(v).stripTrailingZeros().scale() > 0 ? "number" : "integer";
    }
}
