package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Failure;
import io.rulecast.runtime.FailureReason;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayLinesTest {
    private static final String RULE = "wrongbook/wrongbook_add/main";

    @Test
    void upsertLine() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", "wb-9");
        row.put("count", 2L);
        assertEquals(
                "{\"eventId\":\"e-1\",\"rule\":\"wrongbook/wrongbook_add/main\",\"kind\":\"upsert\","
                        + "\"table\":\"dwd_wrongbook_wide\",\"row\":{\"id\":\"wb-9\",\"count\":2}}",
                ReplayLines.format(
                        ReplayLines.emission(
                                "e-1", RULE, new Emission.Upsert("dwd_wrongbook_wide", row))));
    }

    @Test
    void deleteAlertAndMetricLines() {
        assertEquals(
                "{\"eventId\":\"e-1\",\"rule\":\""
                        + RULE
                        + "\",\"kind\":\"delete\",\"table\":\"t\",\"key\":{\"id\":1}}",
                ReplayLines.format(
                        ReplayLines.emission(
                                "e-1", RULE, new Emission.Delete("t", Map.of("id", 1)))));
        assertEquals(
                "{\"eventId\":\"e-1\",\"rule\":\""
                        + RULE
                        + "\",\"kind\":\"alert\",\"level\":\"WARN\","
                        + "\"message\":\"too many\",\"fields\":{\"n\":3}}",
                ReplayLines.format(
                        ReplayLines.emission(
                                "e-1",
                                RULE,
                                new Emission.Alert("WARN", "too many", Map.of("n", 3)))));
        assertEquals(
                "{\"eventId\":\"e-1\",\"rule\":\""
                        + RULE
                        + "\",\"kind\":\"metric\",\"name\":\"adds\","
                        + "\"value\":100,\"tags\":{}}",
                ReplayLines.format(
                        ReplayLines.emission(
                                "e-1",
                                RULE,
                                new Emission.Metric("adds", new BigDecimal("1E+2"), Map.of()))));
    }

    @Test
    void failureAndRejectedLines() {
        assertEquals(
                "{\"eventId\":\"e-2\",\"rule\":\""
                        + RULE
                        + "\",\"kind\":\"failure\",\"reason\":\"TIMEOUT\","
                        + "\"message\":\"ran longer than 100 ms\"}",
                ReplayLines.format(
                        ReplayLines.failure(
                                "e-2",
                                RULE,
                                new Failure(FailureReason.TIMEOUT, "ran longer than 100 ms"))));
        assertEquals(
                "{\"eventId\":null,\"kind\":\"rejected\",\"reason\":\"MALFORMED_JSON\",\"message\":\"bad\"}",
                ReplayLines.format(ReplayLines.rejected(null, "MALFORMED_JSON", "bad")));
    }

    private static RuleRunner.Run ok(Emission... emissions) {
        return new RuleRunner.Run(
                io.rulecast.runtime.Outcome.success(
                        java.util.List.of(emissions), java.util.List.of(), 1),
                null,
                null,
                java.util.List.of(),
                java.util.List.of(),
                CircuitBreaker.Transition.NONE);
    }

    private static RuleRunner.Run failed(DeadLetterReason reason, String message) {
        return new RuleRunner.Run(
                null,
                reason,
                message,
                java.util.List.of(),
                java.util.List.of(),
                CircuitBreaker.Transition.NONE);
    }

    @Test
    void sameOutputComparesAsExpectDoes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", "x");
        a.put("n", 5);
        a.put("nested", Map.of("v", java.util.List.of(1L, 2.50)));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("nested", Map.of("v", java.util.List.of(new BigDecimal("1.0"), 2.5)));
        b.put("n", 5.0);
        b.put("id", "x");
        assertTrue(
                ReplayLines.sameOutput(
                        ok(new Emission.Upsert("t", a)), ok(new Emission.Upsert("t", b))));
        assertFalse(
                ReplayLines.sameOutput(
                        ok(new Emission.Upsert("t", a)), ok(new Emission.Upsert("u", b))),
                "another table");
        b.put("extra", null);
        assertFalse(
                ReplayLines.sameOutput(
                        ok(new Emission.Upsert("t", a)), ok(new Emission.Upsert("t", b))),
                "another column, even a null one");
        assertFalse(
                ReplayLines.sameOutput(
                        ok(new Emission.Alert("WARN", "m", Map.of())),
                        ok(new Emission.Alert("WARN", "other", Map.of()))),
                "an alert's message is output");
        assertTrue(
                ReplayLines.sameOutput(
                        ok(new Emission.Metric("m", 1, Map.of())),
                        ok(new Emission.Metric("m", 1.0, Map.of()))));
        assertFalse(
                ReplayLines.sameOutput(
                        ok(
                                new Emission.Metric("m", 1, Map.of()),
                                new Emission.Metric("m", 1, Map.of())),
                        ok(new Emission.Metric("m", 1, Map.of()))));
        assertTrue(
                ReplayLines.sameOutput(
                        failed(DeadLetterReason.SCRIPT_ERROR, "a"),
                        failed(DeadLetterReason.SCRIPT_ERROR, "b")),
                "a failure's message is not compared");
        assertFalse(
                ReplayLines.sameOutput(
                        failed(DeadLetterReason.SCRIPT_ERROR, "a"),
                        failed(DeadLetterReason.TIMEOUT, "a")));
        assertFalse(ReplayLines.sameOutput(ok(), failed(DeadLetterReason.SCRIPT_ERROR, "a")));
    }
}
