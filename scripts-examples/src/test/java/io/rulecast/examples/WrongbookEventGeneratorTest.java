package io.rulecast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.ParseResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WrongbookEventGeneratorTest {
    private final EventParser parser = new EventParser();

    @Test
    void sameSeedAndCountGiveTheSameLinesAndAnotherSeedDoesNot() {
        List<String> a = new WrongbookEventGenerator(7, 300).generate();
        assertEquals(a, new WrongbookEventGenerator(7, 300).generate());
        assertNotEquals(a, new WrongbookEventGenerator(8, 300).generate());
    }

    @Test
    void writesExactlyCountLines() {
        for (int n : new int[] {0, 1, 2, 17, 200, 1000}) {
            assertEquals(n, new WrongbookEventGenerator(42, n).generate().size(), "count " + n);
        }
    }

    @Test
    void streamHoldsTheCasesTheRulesMustHandle() {
        List<String> lines = new WrongbookEventGenerator(3, 1000).generate();
        Map<String, Integer> seen = new TreeMap<>();
        Set<String> addedEntries = new HashSet<>();
        Map<String, Integer> addsPerEntry = new HashMap<>();
        long lastTimestamp = Long.MIN_VALUE;
        for (String line : lines) {
            ParseResult r = parser.parse(line);
            if (r instanceof ParseResult.Rejected rej) {
                count(seen, "rejected " + rej.reason() + " " + rej.field());
                continue;
            }
            BusinessEvent e = ((ParseResult.Parsed) r).event();
            count(seen, e.type());
            if (line.contains("\"timestamp\":\"")) {
                count(seen, "ISO-8601 timestamp");
            }
            if (e.timestamp() < lastTimestamp) {
                count(seen, "out of order");
            }
            lastTimestamp = e.timestamp();
            Object id = e.payload().get("wrongbookId");
            if (e.type().equals("wrongbook_add")) {
                if (id == null) {
                    count(seen, "add without wrongbookId");
                } else {
                    addedEntries.add((String) id);
                    addsPerEntry.merge((String) id, 1, Integer::sum);
                }
            } else if (e.type().equals("wrongbook_fix")) {
                if (!addedEntries.contains(id)) {
                    count(seen, "fix before any add of its entry");
                }
                if (e.payload().containsKey("addTime")) {
                    count(seen, "fix with addTime");
                }
            }
        }
        for (String expected :
                List.of(
                        "wrongbook_add",
                        "wrongbook_fix",
                        "wrongbook_review",
                        "ISO-8601 timestamp",
                        "out of order",
                        "add without wrongbookId",
                        "fix before any add of its entry",
                        "fix with addTime",
                        "rejected MALFORMED_JSON null",
                        "rejected MISSING_FIELD payload",
                        "rejected WRONG_TYPE timestamp",
                        "rejected WRONG_TYPE payload",
                        "rejected WRONG_TYPE eventId")) {
            assertTrue(seen.containsKey(expected), expected + " missing from " + seen);
        }
        assertTrue(
                addsPerEntry.values().stream().anyMatch(n -> n >= 3),
                "some questions are got wrong again and again");
        assertTrue(seen.get("wrongbook_add") > seen.get("wrongbook_fix"), seen::toString);
    }

    private static void count(Map<String, Integer> seen, String what) {
        seen.merge(what, 1, Integer::sum);
    }
}
