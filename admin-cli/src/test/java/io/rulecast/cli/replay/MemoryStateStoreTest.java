package io.rulecast.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rulecast.runtime.StateStore;
import org.junit.jupiter.api.Test;

class MemoryStateStoreTest {

    @Test
    void stateIsPerKeyAndIncrReturnsTheNewValue() {
        MemoryStateStore store = new MemoryStateStore();
        StateStore u1 = store.forKey("u-1");
        assertEquals(1L, u1.incr("adds", 1));
        assertEquals(3L, u1.incr("adds", 2));
        assertEquals(3L, store.forKey("u-1").get("adds"));
        assertNull(store.forKey("u-2").get("adds"));
        assertEquals(2, store.keys());
    }

    @Test
    void incrOfFractionsAndPutNullRemoves() {
        StateStore s = new MemoryStateStore().forKey("k");
        assertEquals(1.5, s.incr("x", 1.5));
        s.put("y", "v");
        s.put("y", null);
        assertNull(s.get("y"));
    }
}
