package io.rulecast.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectComparerTest {

    private static ExpectComparer.Result compare(List<String> expected, List<String> actual) {
        return ExpectComparer.compare(expected, actual, "expected.jsonl");
    }

    @Test
    void keyOrderDoesNotMatter() {
        var r =
                compare(
                        List.of(
                                "{\"kind\":\"upsert\",\"eventId\":\"e-1\",\"row\":{\"b\":2,\"a\":1}}"),
                        List.of(
                                "{\"eventId\":\"e-1\",\"kind\":\"upsert\",\"row\":{\"a\":1,\"b\":2}}"));
        assertTrue(r.matches(), r.report());
    }

    @Test
    void numbersCompareByValue() {
        var r =
                compare(
                        List.of("{\"kind\":\"metric\",\"value\":5}"),
                        List.of("{\"kind\":\"metric\",\"value\":5.0}"));
        assertTrue(r.matches(), r.report());
        assertFalse(
                compare(
                                List.of("{\"kind\":\"metric\",\"value\":5}"),
                                List.of("{\"kind\":\"metric\",\"value\":5.1}"))
                        .matches());
    }

    @Test
    void messageOfFailuresAndRejectionsIsIgnored() {
        assertTrue(
                compare(
                                List.of(
                                        "{\"eventId\":\"e-1\",\"kind\":\"failure\",\"reason\":\"TIMEOUT\",\"message\":\"x\"}",
                                        "{\"eventId\":null,\"kind\":\"rejected\",\"reason\":\"MALFORMED_JSON\"}"),
                                List.of(
                                        "{\"eventId\":\"e-1\",\"kind\":\"failure\",\"reason\":\"TIMEOUT\",\"message\":\"ran 101 ms\"}",
                                        "{\"eventId\":null,\"kind\":\"rejected\",\"reason\":\"MALFORMED_JSON\",\"message\":\"y\"}"))
                        .matches());
        // ...but the reason is compared
        assertFalse(
                compare(
                                List.of(
                                        "{\"kind\":\"failure\",\"reason\":\"TIMEOUT\",\"message\":\"x\"}"),
                                List.of(
                                        "{\"kind\":\"failure\",\"reason\":\"SCRIPT_ERROR\",\"message\":\"x\"}"))
                        .matches());
    }

    @Test
    void messageOfAlertsIsCompared() {
        assertFalse(
                compare(
                                List.of(
                                        "{\"kind\":\"alert\",\"level\":\"WARN\",\"message\":\"a\"}"),
                                List.of(
                                        "{\"kind\":\"alert\",\"level\":\"WARN\",\"message\":\"b\"}"))
                        .matches());
    }

    @Test
    void blankLinesAreIgnoredAndOrderMatters() {
        String a = "{\"eventId\":\"e-1\"}";
        String b = "{\"eventId\":\"e-2\"}";
        assertTrue(compare(List.of(a, "", b, "  "), List.of(a, b)).matches());
        assertFalse(compare(List.of(a, b), List.of(b, a)).matches());
    }

    @Test
    void arraysCompareInOrderAndNullIsNotMissing() {
        assertFalse(compare(List.of("{\"x\":[1,2]}"), List.of("{\"x\":[2,1]}")).matches());
        assertFalse(compare(List.of("{\"x\":null}"), List.of("{}")).matches());
        assertFalse(compare(List.of("{\"x\":\"1\"}"), List.of("{\"x\":1}")).matches());
    }

    @Test
    void reportShowsLineNumbersOfBothSidesAndTheDifferingField() {
        List<String> expected =
                List.of(
                        "{\"eventId\":\"e-1\",\"kind\":\"upsert\",\"row\":{\"n\":1}}",
                        "{\"eventId\":\"e-2\",\"kind\":\"upsert\",\"row\":{\"n\":2}}",
                        "{\"eventId\":\"e-3\",\"kind\":\"upsert\",\"row\":{\"n\":3}}");
        List<String> actual =
                List.of(
                        "{\"eventId\":\"e-1\",\"kind\":\"upsert\",\"row\":{\"n\":1}}",
                        "{\"eventId\":\"e-2\",\"kind\":\"upsert\",\"row\":{\"n\":20}}",
                        "{\"eventId\":\"e-3\",\"kind\":\"upsert\",\"row\":{\"n\":3}}",
                        "{\"eventId\":\"e-4\",\"kind\":\"metric\"}");
        var r = compare(expected, actual);
        assertFalse(r.matches());
        assertEquals(2, r.differences());
        String report = r.report();
        assertTrue(report.contains("- 2:    {\"eventId\":\"e-2\""), report);
        assertTrue(report.contains("+ 2:    {\"eventId\":\"e-2\""), report);
        assertTrue(report.contains("row.n expected 2, got 20"), report);
        assertTrue(report.contains("+ 4:    {\"eventId\":\"e-4\""), report);
        assertTrue(report.startsWith("replay output differs from expected.jsonl"), report);
    }

    @Test
    void missingLineIsReported() {
        var r = compare(List.of("{\"a\":1}", "{\"a\":2}"), List.of("{\"a\":1}"));
        assertFalse(r.matches());
        assertEquals(1, r.differences());
        assertTrue(r.report().contains("- 2:    {\"a\":2}"), r.report());
    }

    @Test
    void expectedLineThatIsNotJsonNamesItsLine() {
        var e =
                assertThrows(
                        ExpectComparer.BadLineException.class,
                        () -> compare(List.of("{\"a\":1}", "{oops"), List.of()));
        assertEquals(2, e.line());
    }
}
