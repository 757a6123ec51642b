package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.rulecast.runtime.RuleId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RuleTableTest {

    private record Entry(RuleId ruleId, int priority) implements RuleTable.Ranked {}

    private static Entry entry(String type, String name, int priority) {
        return new Entry(new RuleId("d", type, name), priority);
    }

    private static List<String> names(List<Entry> entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.ruleId().name()));
        return out;
    }

    @Test
    void eachTypeListsItsEntriesByPriorityThenName() {
        RuleTable<Long, Entry> table = new RuleTable<>();
        table.put(1L, entry("t", "b", 5));
        table.put(2L, entry("t", "a", 5));
        table.put(3L, entry("t", "z", 9));
        table.put(4L, entry("u", "y", 1));
        assertEquals(List.of("z", "a", "b"), names(table.rulesFor("d", "t")));
        assertEquals(List.of("y"), names(table.rulesFor("d", "u")));
        assertEquals(List.of(), table.rulesFor("d", "v"));
        assertEquals(4, table.size());
    }

    @Test
    void aReplacedEntryMovesToItsNewTypeAndARemovedOneLeaves() {
        RuleTable<Long, Entry> table = new RuleTable<>();
        table.put(1L, entry("t", "a", 5));
        table.put(2L, entry("t", "b", 5));
        Entry old = table.get(1L);
        assertSame(old, table.put(1L, entry("u", "a", 5)));
        assertEquals(List.of("b"), names(table.rulesFor("d", "t")));
        assertEquals(List.of("a"), names(table.rulesFor("d", "u")));
        table.put(2L, entry("t", "b", 1));
        assertEquals(List.of("b"), names(table.rulesFor("d", "t")));
        table.remove(2L);
        assertEquals(List.of(), table.rulesFor("d", "t"));
        assertNull(table.remove(2L));
        assertEquals(1, table.size());
    }

    /** Random puts, moves and removes agree with the order computed from scratch. */
    @Test
    void manyChangesAgreeWithAFullSort() {
        RuleTable<Long, Entry> table = new RuleTable<>();
        Map<Long, Entry> model = new HashMap<>();
        Random r = new Random(17);
        for (int i = 0; i < 5000; i++) {
            long key = r.nextInt(300);
            if (r.nextInt(5) == 0) {
                table.remove(key);
                model.remove(key);
            } else {
                Entry e = entry("t" + r.nextInt(20), "n" + key, r.nextInt(3));
                table.put(key, e);
                model.put(key, e);
            }
        }
        for (int t = 0; t < 20; t++) {
            String type = "t" + t;
            List<Entry> expected = new ArrayList<>();
            for (Entry e : model.values()) {
                if (e.ruleId().eventType().equals(type)) {
                    expected.add(e);
                }
            }
            expected.sort(RuleTable.ORDER);
            assertEquals(names(expected), names(table.rulesFor("d", type)), type);
        }
        assertEquals(model.size(), table.size());
    }
}
