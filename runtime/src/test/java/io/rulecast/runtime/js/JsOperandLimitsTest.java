package io.rulecast.runtime.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuntimeOptions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Builtins that do a lot of work in one call (BigInt arithmetic, string building, parsing): each
 * payload must fail its event within 2 × script.timeout + 100 ms, run after run — the first, cold
 * run excepted, which gets a generous limit.
 */
class JsOperandLimitsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final long LIMIT_MS = 2 * TIMEOUT.toMillis() + 100;
    private static JsHarness h;
    private static int rules;

    @BeforeAll
    static void start() {
        // The same budget for a version's first runs: only the very first run may be slower.
        h =
                new JsHarness(
                        RuntimeOptions.defaults()
                                .withTimeout(TIMEOUT)
                                .withColdStartTimeout(TIMEOUT));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Stream<Arguments> payloads() {
        return Stream.of(
                Arguments.of("2n ** 10000000n", "const x = 2n ** 10000000n; return {v: 1};"),
                Arguments.of("3n ** 10000000n", "const x = 3n ** 10000000n; return {v: 1};"),
                Arguments.of("1n << 100000000n", "const x = 1n << 100000000n; return {v: 1};"),
                Arguments.of(
                        "huge BigInt product",
                        "const a = (3n << 3000000n) - 1n; let p = a * a; p = p * p; return {v: 1};"),
                Arguments.of(
                        "huge BigInt quotient",
                        "const a = (3n << 8000000n) - 1n; const b = (5n << 4000000n) + 7n;"
                                + " return {v: String(a / b).length};"),
                Arguments.of(
                        "huge BigInt toString",
                        "return {v: ((3n << 3000000n) - 1n).toString().length};"),
                Arguments.of(
                        "BigInt of a huge decimal string",
                        "return {v: BigInt('7'.repeat(3000000)) > 0n};"),
                Arguments.of("'x'.repeat(1e9)", "return {v: 'x'.repeat(1e9).length};"),
                Arguments.of("padStart(1e9)", "return {v: ''.padStart(1e9, 'ab').length};"),
                Arguments.of("padEnd(1e9)", "return {v: 'a'.padEnd(1e9).length};"),
                Arguments.of("Array(1e9).join", "return {v: Array(1e9).join('x').length};"),
                Arguments.of("Array(1e7).join", "return {v: Array(1e7).join('').length};"),
                Arguments.of("toFixed(100)", "return {v: (1e21 * Math.PI).toFixed(100)};"),
                Arguments.of("toPrecision(100)", "return {v: (1e-300).toPrecision(100)};"),
                Arguments.of(
                        "JSON.parse of a huge string",
                        "return {v: JSON.parse('[' + '1,'.repeat(5e6) + '1]').length};"),
                Arguments.of(
                        "JSON.parse of a huge string, coerced",
                        "return {v: JSON.parse({toString() { return '[' + '1,'.repeat(5e6) + '1]'; }})"
                                + ".length};"),
                Arguments.of(
                        "JSON.parse of a huge number",
                        "return {v: JSON.parse('1' + '0'.repeat(5e6))};"),
                Arguments.of(
                        "parseFloat of a huge string",
                        "return {v: parseFloat('1' + '0'.repeat(3e7))};"),
                Arguments.of("Number of a huge string", "return {v: Number('9'.repeat(3e7))};"),
                // Just under the string length limit (8 Mi characters).
                Arguments.of(
                        "parseFloat of 8e6 digits",
                        "return {v: parseFloat('1' + '0'.repeat(8e6))};"),
                Arguments.of("Number of 8e6 digits", "return {v: Number('9'.repeat(8e6))};"),
                Arguments.of(
                        "split of 8e6 characters", "return {v: 'x'.repeat(8e6).split('').length};"),
                Arguments.of(
                        "split of 262144 characters",
                        "return {v: 'x'.repeat(262144).split('').length};"),
                Arguments.of(
                        "split of 262144 characters by a regex",
                        "return {v: 'x'.repeat(262144).split(/(?:)/).length};"),
                Arguments.of(
                        "global replace over 8e6 characters",
                        "return {v: 'a'.repeat(8e6).replace(/a/g, 'b').length};"),
                Arguments.of(
                        "indexOf over 8e6 characters",
                        "const s = 'a'.repeat(8e6); let n = 0;"
                                + " for (let i = 0; i < 1e6; i++) { n += s.indexOf('b'); }"
                                + " return {v: n};"));
    }

    /**
     * BigInt arithmetic, parsing and printing run inside java.math.BigInteger, which no cancel
     * reaches (measured with BigInt on and a 200 ms budget: 3n ** 10000000n 6 s, a quotient of
     * 8-million-bit numbers 2.2 s, printing a 3-million-bit one 0.9 s, BigInt() of a
     * 3-million-digit string 180 s). So rules have no BigInt at all: no literal, no global, no
     * typed array, no DataView accessor.
     */
    /** A normal rule's first runs may time out on a busy machine (cold, 200 ms budget). */
    private static Outcome untilNotTimedOut(CompiledRule rule) {
        Outcome o = null;
        for (int i = 0; i < 5; i++) {
            o = rule.invoke(JsHarness.sampleEvent(), h.state, h.lookup());
            if (o.failure() == null || o.failure().reason() != FailureReason.TIMEOUT) {
                return o;
            }
        }
        return o;
    }

    @Test
    void jsonParseStillWorksAndRefusesHugeTexts() throws Exception {
        Outcome o =
                untilNotTimedOut(
                        h.compile(
                                "json" + rules++,
                                "const a = JSON.parse('{\"x\": [1, 2]}', (k, v) => v);"
                                        + " let big = 'ok';"
                                        + " try { JSON.parse('\"' + 'y'.repeat(2e6) + '\"'); }"
                                        + " catch (e) { big = e.name; }"
                                        + " return {n: a.x.length, big: big, p: typeof JSON.parse};",
                                JsHarness.OUTPUT));
        assertNull(o.failure(), () -> String.valueOf(o.failure()));
        assertEquals(
                Map.of("n", 2, "big", "RangeError", "p", "function"),
                ((Emission.Upsert) o.emissions().get(0)).row());
    }

    @Test
    void noWayToMakeABigInt() throws Exception {
        for (String body :
                new String[] {"return {v: String(2n ** 3n)};", "return {v: 0x1fn > 0};"}) {
            CompileException e =
                    assertThrows(
                            CompileException.class,
                            () -> h.compile("nobigint" + rules++, body, JsHarness.OUTPUT));
            assertTrue(e.getMessage().contains("numeric literal"), e.getMessage());
        }
        Outcome o =
                untilNotTimedOut(
                        h.compile(
                                "nobigint" + rules++,
                                "const d = new DataView(new ArrayBuffer(8));"
                                        + " return {a: typeof BigInt, b: typeof BigInt64Array,"
                                        + " c: typeof BigUint64Array, d: typeof d.getBigInt64,"
                                        + " e: typeof d.getBigUint64, f: typeof d.setBigInt64,"
                                        + " g: typeof d.setBigUint64,"
                                        + " h: typeof globalThis['Big' + 'Int']};",
                                JsHarness.OUTPUT));
        assertNull(o.failure(), () -> String.valueOf(o.failure()));
        Map<String, Object> row = ((Emission.Upsert) o.emissions().get(0)).row();
        assertEquals(8, row.size());
        for (Object v : row.values()) {
            assertEquals("undefined", v, row.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void boundedPerRun(String what, String body) throws Exception {
        CompiledRule rule;
        try {
            rule = h.compile("limits" + rules++, body, JsHarness.OUTPUT);
        } catch (CompileException e) {
            // BigInt literals: refused before anything runs (see noWayToMakeABigInt)
            assertTrue(e.getMessage().contains("numeric literal"), what + ": " + e.getMessage());
            return;
        }
        StringBuilder times = new StringBuilder();
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            Outcome o = rule.invoke(JsHarness.sampleEvent(), h.state, h.lookup());
            long ms = (System.nanoTime() - start) / 1_000_000;
            times.append(' ').append(ms).append(" ms ").append(o.failure());
            // Some payloads end quickly with a result (toFixed and toPrecision stop at 100
            // digits): what matters is that none overruns its budget.
            long limit = run == 0 ? 5_000 : LIMIT_MS;
            assertTrue(ms <= limit, what + ": run " + run + " took " + ms + " ms:" + times);
        }
    }
}
