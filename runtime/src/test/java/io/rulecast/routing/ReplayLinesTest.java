package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
