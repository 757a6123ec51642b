package io.rulecast.runtime.groovy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import groovy.lang.Closure;
import groovy.lang.GroovyShell;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleHarness;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The compiler's direct calls ({@link Sandbox#truth}, {@link Sandbox#elvis}, map literals through
 * {@link Sandbox#map}, {@code ctx} calls, reused script objects) behave exactly as Groovy's own
 * dynamic code does: each result is compared with plain, unsandboxed Groovy running the same code.
 */
class DirectCallsTest {
    private final RuleHarness h = new RuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /** Values whose Groovy truth is asked: what rules make and meet, and a few JDK odd ones. */
    private static List<Object> values() {
        List<Object> v = new ArrayList<>();
        v.addAll(
                Arrays.asList(
                        null,
                        true,
                        false,
                        Boolean.FALSE,
                        "",
                        " ",
                        "false",
                        "0",
                        0,
                        1,
                        -1,
                        0L,
                        5L,
                        (short) 0,
                        (byte) 0,
                        0.0,
                        -0.0,
                        0.5,
                        Double.NaN,
                        0.0f,
                        BigDecimal.ZERO,
                        new BigDecimal("0.000"),
                        new BigDecimal("0.001"),
                        BigInteger.ZERO,
                        BigInteger.TEN,
                        'a',
                        '\0',
                        new ArrayList<>(),
                        new ArrayList<>(List.of(0)),
                        List.of(),
                        new LinkedHashMap<>(),
                        new LinkedHashMap<>(Map.of("a", 1)),
                        new HashMap<>(),
                        new HashMap<>(Map.of("a", 1)),
                        new TreeMap<>(),
                        Map.of(),
                        Collections.unmodifiableMap(new HashMap<>()),
                        Set.of(),
                        new Object[0],
                        new Object[] {1},
                        new StringBuilder(),
                        new StringBuilder("x")));
        return v;
    }

    @Test
    void truthIsGroovyTruth() {
        @SuppressWarnings("unchecked")
        Closure<Object> groovy =
                (Closure<Object>) new GroovyShell().evaluate("{ v -> v ? true : false }");
        for (Object v : values()) {
            assertEquals(groovy.call(v), Sandbox.truth(v), () -> "truth of " + describe(v));
            Object elvis = Sandbox.elvis(v, "fallback");
            assertEquals(
                    groovy.call(v) == Boolean.TRUE ? v : "fallback",
                    elvis,
                    () -> "elvis of " + describe(v));
        }
    }

    private static String describe(Object v) {
        return v == null ? "null" : v.getClass().getName() + " " + v;
    }

    /**
     * Every condition form a rule can write, over values a rule can make, sandboxed and in plain
     * Groovy, at the top level (direct calls) and in a closure.
     */
    private static final String CONDITIONS =
            "def vs = [null, true, false, '', ' ', 'false', 0, 1, -2, 0L, 7L, 0.0, 0.5, 0.0G,"
                    + " 0.000G, 0.01G, 0G, 3G, [], [0], [:], [a: 1], \"${''}\", \"${'x'}\","
                    + " 0.0d, (Double) 0, 'a'.charAt(0)]\n"
                    + "def one = { v -> [v ? 'y' : 'n', (v ?: 'fb') == 'fb', !v, v && true,"
                    + " v || false, v && v, !!v, (v ?: null) == null] }\n"
                    + "def out = []\n"
                    + "for (v in vs) {\n"
                    + "  def w = 'n'\n"
                    + "  if (v) { w = 'y' }\n"
                    + "  def loops = 0\n"
                    + "  def u = v\n"
                    + "  while (u) { u = null; loops++ }\n"
                    + "  out.add([w, loops, v ? 'y' : 'n', (v ?: 'fb') == 'fb', !v, v && true,"
                    + " v || false, (v && 1) || 0, !(!v), (v ?: v) == v] + one(v))\n"
                    + "}\n";

    @Test
    void conditionsMatchPlainGroovy() throws Exception {
        Object expected = new GroovyShell().evaluate(CONDITIONS + "out");
        Outcome o = h.run(Language.GROOVY, CONDITIONS + "[out: out]");
        assertNull(o.failure(), () -> o.failure().toString());
        assertEquals(expected, ((Emission.Upsert) o.emissions().get(0)).row().get("out"));
    }

    @Test
    void conditionsOnEventValuesMatchPlainGroovy() throws Exception {
        String script =
                "def p = event.payload\n"
                        + "[a: p.score ? 1 : 0, b: p.missing ?: 'none', c: !p.tags,"
                        + " d: p.subject && p.userId, e: p.missing || p.score, f: event.missing ?: 0,"
                        + " g: p.tags ?: 'none', h: (p.subject ?: 'x').length()]";
        Outcome o = h.run(Language.GROOVY, script);
        assertNull(o.failure(), () -> o.failure().toString());
        Map<String, Object> row = ((Emission.Upsert) o.emissions().get(0)).row();
        Map<String, Object> event = RuleHarness.sampleEvent();
        GroovyShell plain = new GroovyShell();
        plain.setVariable("event", event);
        assertEquals(plain.evaluate(script), row);
    }

    @Test
    void assertStillReportsTheCondition() throws Exception {
        Outcome o = h.run(Language.GROOVY, "def v = ''\nassert v && 1\n[a: 1]");
        assertEquals(FailureReason.SCRIPT_ERROR, o.failure().reason());
        assertTrue(o.failure().message().contains("v && 1"), o.failure().message());
    }

    @Test
    void elvisWithANonConstantFallbackEvaluatesItOnlyWhenNeeded() throws Exception {
        String script =
                "def n = 0\n"
                        + "def bump = { -> n++; 'b' }\n"
                        + "def a = 'x' ?: bump()\n"
                        + "def b = '' ?: bump()\n"
                        + "[a: a, b: b, n: n]";
        Outcome o = h.run(Language.GROOVY, script);
        assertNull(o.failure(), () -> o.failure().toString());
        assertEquals(new GroovyShell().evaluate(script), row(o));
    }

    @Test
    void mapLiteralsKeepGroovyOrderDuplicatesAndMutability() throws Exception {
        String script =
                "def m = [b: 1, a: 2, b: 3, 'c': null]\n"
                        + "m.d = 4\n"
                        + "m.remove('a')\n"
                        + "def k = 'k'\n"
                        + "def n = [(k): 1, \"${k}2\": 2, x: [y: [z: 1]], *:[s: 5]]\n"
                        + "def e = [:]\n"
                        + "e.q = 1\n"
                        + "[keys: m.keySet().join(','), vals: m.values().toList(), n: n, e: e,"
                        + " size: m.size(), nested: n.x.y.z, first: [z: 1, y: 2].keySet().first()]";
        Outcome o = h.run(Language.GROOVY, script);
        assertNull(o.failure(), () -> o.failure().toString());
        Map<String, Object> row = row(o);
        @SuppressWarnings("unchecked")
        Map<String, Object> expected = (Map<String, Object>) new GroovyShell().evaluate(script);
        // GString keys become strings when the row leaves the script
        expected.put("n", Map.of("k", 1, "k2", 2, "x", Map.of("y", Map.of("z", 1)), "s", 5));
        assertEquals(expected, row);
        assertEquals(
                List.of("keys", "vals", "n", "e", "size", "nested", "first"),
                new ArrayList<>(row.keySet()));
    }

    @Test
    void aReturnedMapLiteralWithAnEscapingValueIsStillRefused() throws Exception {
        assertEquals(
                FailureReason.BAD_RETURN,
                h.run(Language.GROOVY, "[a: 1, b: { -> 2 }]").failure().reason());
        assertEquals(
                FailureReason.BAD_RETURN,
                h.run(Language.GROOVY, "def m = [a: 1]\nm.c = { -> 3 }\nm").failure().reason());
    }

    @Test
    void ctxCallsWithOtherArgumentTypesGoGroovysWay() throws Exception {
        h.dims.put("questions", Map.of("q-7", Map.of("chapter", "fractions")));
        String script =
                "def name = 'quest'\n"
                        + "def q = ctx.dim(\"${name}ions\", event.payload.questionId)\n"
                        + "ctx.metric(\"m${1}\", 2G)\n"
                        + "ctx.metric('m2', 1.5, null)\n"
                        + "ctx.upsert(\"t_${'x'}\", [k: q.chapter])\n"
                        + "ctx.log(\"log ${1}\")\n"
                        + "def c = ctx\n"
                        + "c.metric('m3', 3)\n"
                        + "def f = { -> ctx.metric('m4', 4, [t: 'x']) }\n"
                        + "f()\n"
                        + "null";
        Outcome o = h.run(Language.GROOVY, script);
        assertNull(o.failure(), () -> o.failure().toString());
        assertEquals(
                List.of(
                        new Emission.Metric("m1", BigInteger.TWO, Map.of()),
                        new Emission.Metric("m2", new BigDecimal("1.5"), Map.of()),
                        new Emission.Upsert("t_x", Map.of("k", "fractions")),
                        new Emission.Metric("m3", 3, Map.of()),
                        new Emission.Metric("m4", 4, Map.of("t", "x"))),
                o.emissions());
        assertEquals(List.of("log 1"), o.logs());
    }

    @Test
    void ctxCallsWithWrongArgumentsFailAsBefore() throws Exception {
        for (String call :
                List.of(
                        "ctx.metric('m', 'not a number')",
                        "ctx.metric('m', 1, 'not a map')",
                        "ctx.metric([:], 1)",
                        "ctx.dim(1, 2)",
                        "ctx.upsert('t', 'row')",
                        "ctx.metric('m', null)",
                        "ctx.dim('nope', 1)")) {
            Outcome o = h.run(Language.GROOVY, call + "\nnull");
            assertEquals(FailureReason.SCRIPT_ERROR, o.failure().reason(), call);
        }
    }

    @Test
    void aReusedScriptObjectCarriesNothingFromOneEventToTheNext() throws Exception {
        String script =
                "def seen = []\n"
                        + "def add = { x -> seen.add(x); seen.size() }\n"
                        + "def twice(x) { x * 2 }\n"
                        + "[n: add(event.payload.userId), user: event.payload.userId,"
                        + " t: twice(event.payload.score)]";
        CompiledRule rule = h.compile(Language.GROOVY, script, "{\"output_table\":\"t_out\"}");
        for (int i = 0; i < 5; i++) {
            Map<String, Object> event =
                    RuleHarness.sampleEvent("e-" + i, "u-" + i, "q-" + i, "math");
            Outcome o = rule.invoke(event, h.state, h.lookup());
            assertNull(o.failure(), () -> o.failure().toString());
            assertEquals(Map.of("n", 1, "user", "u-" + i, "t", 70), row(o));
        }
        // a failed invocation leaves nothing behind either
        assertEquals(
                FailureReason.SCRIPT_ERROR,
                rule.invoke(new LinkedHashMap<>(), h.state, h.lookup()).failure().reason());
        assertEquals(
                "u-9",
                row(rule.invoke(
                                RuleHarness.sampleEvent("e-9", "u-9", "q-9", "math"),
                                h.state,
                                h.lookup()))
                        .get("user"));
    }

    @Test
    void concurrentInvocationsOfOneVersionSeeTheirOwnEvent() throws Exception {
        CompiledRule rule =
                h.compile(
                        Language.GROOVY,
                        "def u = event.payload.userId\n"
                                + "def s = 0\n"
                                + "for (int i = 0; i < 200; i++) { s += i }\n"
                                + "[user: u, again: event.payload.userId, s: s]",
                        "{\"output_table\":\"t_out\"}");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 500; i++) {
                                        String user = "u-" + thread + "-" + i;
                                        Outcome o =
                                                rule.invoke(
                                                        RuleHarness.sampleEvent(
                                                                "e", user, "q", "math"),
                                                        io.rulecast.runtime.StateStore.NONE,
                                                        h.lookup());
                                        if (o.failed()
                                                || !row(o).equals(
                                                                Map.of(
                                                                        "user", user, "again", user,
                                                                        "s", 19900))) {
                                            return false;
                                        }
                                    }
                                    return true;
                                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Object> row(Outcome o) {
        return ((Emission.Upsert) o.emissions().get(0)).row();
    }
}
