package io.rulecast.job.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.Json;
import io.rulecast.job.events.RawRecord;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.runtime.Emission;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {
    private final RawRecord raw =
            new RawRecord(
                    "events",
                    0,
                    42,
                    1000,
                    "k".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8),
                    new String[] {"trace", "rulecast.dlq.rule"},
                    new byte[][] {
                        "t-1".getBytes(StandardCharsets.UTF_8),
                        "old".getBytes(StandardCharsets.UTF_8)
                    });

    @Test
    void deadLetterKeepsTheOriginalRecordAndNamesTheRejection() {
        OutputMessage m =
                Messages.deadLetter(
                        "dlq",
                        raw,
                        Messages.Stage.PARSE,
                        DeadLetterReason.MALFORMED_JSON,
                        "line 1\nline 2",
                        null,
                        null,
                        null,
                        5);
        assertEquals("dlq", m.topic());
        assertArrayEquals(raw.key(), m.key());
        assertArrayEquals(raw.value(), m.value());
        Map<String, String> h = m.headers();
        assertEquals("t-1", h.get("trace"));
        assertEquals("parse", h.get(Messages.HEADER_STAGE));
        assertEquals("MALFORMED_JSON", h.get(Messages.HEADER_REASON));
        assertEquals("line 1 line 2", h.get(Messages.HEADER_MESSAGE));
        assertEquals("5", h.get(Messages.HEADER_TIME));
        // A re-driven dead letter does not keep the previous rejection's rule.
        assertFalse(h.containsKey(Messages.HEADER_RULE));
    }

    @Test
    void ruleDeadLetterCarriesRuleVersionAndEvent() {
        OutputMessage m =
                Messages.deadLetter(
                        "dlq",
                        raw,
                        Messages.Stage.RULE,
                        DeadLetterReason.SCRIPT_ERROR,
                        "boom",
                        "d/t/main",
                        "abc",
                        "e-1",
                        5);
        assertEquals("rule", m.headers().get(Messages.HEADER_STAGE));
        assertEquals("d/t/main", m.headers().get(Messages.HEADER_RULE));
        assertEquals("abc", m.headers().get(Messages.HEADER_VERSION));
        assertEquals("e-1", m.headers().get(Messages.HEADER_EVENT_ID));
    }

    @Test
    void alertAndMetricJsonCarryTheirOrigin() throws Exception {
        OutputMessage a =
                Messages.alert(
                        "alerts",
                        new Emission.Alert("WARN", "hot", Map.of("x", 1)),
                        "d/t/main",
                        "v1",
                        "e-1",
                        7);
        Map<String, Object> json = Json.parseObject(new String(a.value(), StandardCharsets.UTF_8));
        assertEquals(
                Map.of(
                        "level", "WARN",
                        "message", "hot",
                        "fields", Map.of("x", 1),
                        "rule", "d/t/main",
                        "version", "v1",
                        "eventId", "e-1",
                        "time", 7),
                json);
        assertArrayEquals("d/t/main".getBytes(StandardCharsets.UTF_8), a.key());

        OutputMessage m =
                Messages.metric(
                        "metrics",
                        new Emission.Metric("n", 2.5, Map.of()),
                        "d/t/main",
                        "v1",
                        "e-1",
                        7);
        Map<String, Object> mj = Json.parseObject(new String(m.value(), StandardCharsets.UTF_8));
        assertEquals("n", mj.get("name"));
        assertEquals(
                0,
                new java.math.BigDecimal("2.5").compareTo((java.math.BigDecimal) mj.get("value")));
        assertEquals("v1", mj.get("version"));

        OutputMessage s =
                Messages.systemAlert(
                        "alerts",
                        Messages.RULE_COMPILE_FAILED,
                        "ERROR",
                        "bad",
                        null,
                        "d/t/main",
                        "v2",
                        null,
                        7);
        Map<String, Object> sj = Json.parseObject(new String(s.value(), StandardCharsets.UTF_8));
        assertEquals("RULE_COMPILE_FAILED", sj.get("code"));
        assertTrue(sj.containsKey("eventId"));
    }
}
