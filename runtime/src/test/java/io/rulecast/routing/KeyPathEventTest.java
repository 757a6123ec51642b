package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rulecast.event.BusinessEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key path on an event's fields gives what it gives on the script view, NO_KEY included. */
class KeyPathEventTest {
    private static final List<String> PATHS =
            List.of(
                    "eventId",
                    "domain",
                    "type",
                    "timestamp",
                    "traceId",
                    "source",
                    "payload",
                    "payload.userId",
                    "payload.score",
                    "payload.ratio",
                    "payload.big",
                    "payload.flag",
                    "payload.none",
                    "payload.missing",
                    "payload.nested",
                    "payload.nested.id",
                    "payload.nested.deeper.x",
                    "payload.items",
                    "payload.items.0",
                    "payload.items.1.id",
                    "payload.items.2",
                    "payload.items.x",
                    "payload.userId.more",
                    "eventId.more",
                    "timestamp.0",
                    "traceId.x",
                    "unknown",
                    "unknown.x",
                    "0",
                    "payload.",
                    "payload.nested.");

    private static BusinessEvent event(String traceId, String source) {
        Map<String, Object> nested = new HashMap<>();
        nested.put("id", 7.0);
        nested.put("deeper", Map.of("x", "y"));
        List<Object> items = new ArrayList<>();
        items.add("first");
        items.add(Map.of("id", 12L));
        Map<String, Object> payload = new HashMap<>();
        payload.put("userId", "u-1");
        payload.put("score", 42);
        payload.put("ratio", new BigDecimal("1.50"));
        payload.put("big", 1e3);
        payload.put("flag", true);
        payload.put("none", null);
        payload.put("nested", nested);
        payload.put("items", items);
        return new BusinessEvent(
                "e-1", "edu", "wrongbook_add", 1_714_550_400_000L, payload, traceId, source);
    }

    @Test
    void sameKeyAsTheScriptView() {
        for (BusinessEvent e :
                List.of(event("t-1", "app"), event(null, null), event(null, "app"))) {
            for (String p : PATHS) {
                KeyPath path = new KeyPath(p);
                assertEquals(path.resolve(e.scriptView()), path.resolve(e), p + " on " + e);
            }
        }
    }

    @Test
    void noKeyWhereTheViewHasNone() {
        BusinessEvent e = event(null, null);
        for (String p :
                List.of(
                        "traceId",
                        "source",
                        "payload.none",
                        "payload.missing",
                        "payload.items.2",
                        "eventId.more",
                        "unknown")) {
            assertNull(new KeyPath(p).resolve(e), p);
        }
        assertEquals("7", new KeyPath("payload.nested.id").resolve(e));
        assertEquals("12", new KeyPath("payload.items.1.id").resolve(e));
        assertEquals("1714550400000", new KeyPath("timestamp").resolve(e));
    }
}
