package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyPathTest {
    private final Map<String, Object> event =
            Map.of(
                    "eventId",
                    "e-1",
                    "payload",
                    Map.of(
                            "userId",
                            "u-1",
                            "n",
                            new BigDecimal("7.0"),
                            "tags",
                            List.of("a", "b"),
                            "obj",
                            Map.of("x", 1)));

    @Test
    void resolvesTopLevelAndNestedValues() {
        assertEquals("e-1", new KeyPath("eventId").resolve(event));
        assertEquals("u-1", new KeyPath("payload.userId").resolve(event));
        assertEquals("b", new KeyPath("payload.tags.1").resolve(event));
        assertEquals("{\"x\":1}", new KeyPath("payload.obj").resolve(event));
    }

    @Test
    void numbersKeyByValue() {
        assertEquals("7", new KeyPath("payload.n").resolve(event));
        assertEquals("7", KeyPath.text(7L));
        assertEquals("0", KeyPath.text(new BigDecimal("0.00")));
        // produce --key-path once gave "7.0" here; the job, replay and the caches give "7".
        assertEquals("7", KeyPath.text(7.0));
        assertEquals("7", KeyPath.text(new BigDecimal("7.000")));
        assertEquals("7", KeyPath.text("7"));
        assertEquals("1000", KeyPath.text(new BigDecimal("1E+3")));
        assertEquals("0.5", KeyPath.text(0.5f));
        assertEquals("true", KeyPath.text(true));
    }

    @Test
    void missingValuesResolveToNull() {
        assertNull(new KeyPath("payload.nope").resolve(event));
        assertNull(new KeyPath("eventId.deeper").resolve(event));
        assertNull(new KeyPath("payload.tags.5").resolve(event));
        assertThrows(IllegalArgumentException.class, () -> new KeyPath("a..b"));
    }
}
