package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryStateStoreTest {

    @Test
    void stateIsPerKeyAndIncrReturnsTheNewValue() throws Exception {
        MemoryStateStore store = new MemoryStateStore();
        JsonStateStore u1 = store.forKey("u-1");
        u1.begin();
        assertEquals(1L, u1.incr("adds", 1));
        assertEquals(3L, u1.incr("adds", 2));
        u1.commit();
        // Read back as the job reads its keyed state: from JSON text.
        assertEquals(3, store.forKey("u-1").get("adds"));
        assertNull(store.forKey("u-2").get("adds"));
        assertEquals(2, store.keys());
    }

    @Test
    void valuesComeBackAsTheJobsStateGivesThem() throws Exception {
        JsonStateStore s = new MemoryStateStore().forKey("k");
        s.begin();
        s.incr("x", 1.5);
        s.put("m", Map.of("a", List.of(1, 2)));
        s.put("y", "v");
        s.put("y", null);
        s.commit();
        assertEquals(new BigDecimal("1.5"), s.get("x"));
        assertEquals(Map.of("a", List.of(1, 2)), s.get("m"));
        assertNull(s.get("y"));
    }

    @Test
    void rollbackForgetsTheInvocationsWrites() throws Exception {
        MemoryStateStore store = new MemoryStateStore();
        JsonStateStore s = store.forKey("k");
        s.begin();
        s.put("a", 1);
        s.commit();
        s.begin();
        s.put("a", 2);
        s.put("b", 1);
        assertEquals(2, s.get("a"));
        s.rollback();
        assertEquals(1, store.forKey("k").get("a"));
        assertNull(store.forKey("k").get("b"));
    }
}
