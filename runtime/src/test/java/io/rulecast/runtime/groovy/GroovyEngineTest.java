package io.rulecast.runtime.groovy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroovyEngineTest {
    private final RuleHarness h = new RuleHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private Outcome run(String script) throws CompileException {
        return h.run(Language.GROOVY, script);
    }

    @Test
    void returnedMapIsUpsertedIntoOutputTable() throws Exception {
        Outcome o =
                run(
                        "def p = event.payload\nreturn [id: p.wrongbookId, user_id: p.userId, subject: p.subject.toUpperCase()]");
        assertNull(o.failure(), () -> o.failure().toString());
        assertEquals(
                List.of(
                        new Emission.Upsert(
                                "t_out",
                                Map.of("id", "wb-e-1", "user_id", "u-1", "subject", "MATH"))),
                o.emissions());
    }

    @Test
    void ctxCallsComeBeforeReturnedRows() throws Exception {
        h.dims.put("questions", Map.of("q-7", Map.of("chapter", "fractions")));
        Outcome o =
                run(
                        "def q = ctx.dim('questions', event.payload.questionId)\n"
                                + "ctx.alert('WARN', 'low score', [score: event.payload.score])\n"
                                + "ctx.metric('adds', 1, [subject: event.payload.subject])\n"
                                + "ctx.upsert('t_other', [k: 1])\n"
                                + "[id: 1, chapter: q.chapter]");
        assertNull(o.failure(), () -> o.failure().toString());
        assertEquals(4, o.emissions().size());
        assertEquals(
                new Emission.Alert("WARN", "low score", Map.of("score", 35)), o.emissions().get(0));
        assertEquals(
                new Emission.Metric("adds", 1, Map.of("subject", "math")), o.emissions().get(1));
        assertEquals(new Emission.Upsert("t_other", Map.of("k", 1)), o.emissions().get(2));
        assertEquals(
                new Emission.Upsert("t_out", Map.of("id", 1, "chapter", "fractions")),
                o.emissions().get(3));
    }

    @Test
    void stateIncrReturnsNewValue() throws Exception {
        String script =
                "def n = ctx.state.incr('adds', 1)\nctx.state.put('last', event.payload.subject)\n[n: n]";
        run(script);
        Outcome o = run(script);
        assertEquals(Map.of("n", 2L), ((Emission.Upsert) o.emissions().get(0)).row());
        assertEquals("math", h.state.get("last"));
    }

    @Test
    void closuresLoopsAndUserMethodsWork() throws Exception {
        Outcome o =
                run(
                        "def twice(x) { x * 2 }\n"
                                + "def total = 0\n"
                                + "for (int i = 0; i < 10; i++) { total += i }\n"
                                + "def tags = event.payload.tags.collect { it.toUpperCase() }.join(',')\n"
                                + "def m = [:]\n m.count = 1\n m['x'] = 2\n m.count += 5\n"
                                + "return [total: twice(total), tags: tags, m: m.count + m.x, s: \"${event.type}-${event.eventId}\"]");
        assertNull(o.failure(), () -> o.failure().toString());
        assertEquals(
                Map.of("total", 90, "tags", "FRACTION,HARD", "m", 8, "s", "wrongbook_add-e-1"),
                ((Emission.Upsert) o.emissions().get(0)).row());
    }

    @Test
    void returningNothingEmitsNothing() throws Exception {
        Outcome o = run("if (event.payload.score > 100) { return [a: 1] }\nreturn null");
        assertNull(o.failure());
        assertTrue(o.emissions().isEmpty());
    }

    @Test
    void returningAStringIsBadReturn() throws Exception {
        assertEquals(FailureReason.BAD_RETURN, run("'hello'").failure().reason());
    }

    @Test
    void returningAMapWithoutOutputTableIsBadReturn() throws Exception {
        Outcome o = h.run(Language.GROOVY, "[a: 1]", null, RuleHarness.sampleEvent());
        assertEquals(FailureReason.BAD_RETURN, o.failure().reason());
        assertTrue(o.failure().message().contains("output_table"), o.failure().message());
    }

    @Test
    void returningAClosureIsBadReturn() throws Exception {
        assertEquals(FailureReason.BAD_RETURN, run("[a: { -> 1 }]").failure().reason());
    }

    @Test
    void eventIsReadOnly() throws Exception {
        Outcome o = run("event.payload.userId = 'x'\nnull");
        assertEquals(FailureReason.SCRIPT_ERROR, o.failure().reason());
        assertTrue(o.failure().message().contains("read-only"), o.failure().message());
    }

    @Test
    void thrownExceptionIsScriptErrorWithLine() throws Exception {
        Outcome o = run("def a = 1\n\nthrow new IllegalStateException('boom')");
        assertEquals(FailureReason.SCRIPT_ERROR, o.failure().reason());
        assertTrue(
                o.failure().message().contains("boom") && o.failure().message().contains("line 3"),
                o.failure().message());
    }

    @Test
    void syntaxErrorReportsLineAndColumn() {
        CompileException e =
                assertThrows(
                        CompileException.class,
                        () -> h.compile(Language.GROOVY, "def a = 1\ndef b = (2 +\n", null));
        assertEquals(2, e.line(), e.getMessage());
        assertEquals(12, e.column(), e.getMessage());
    }

    @Test
    void unknownVariableIsRefusedAtCompileTime() {
        CompileException e =
                assertThrows(
                        CompileException.class,
                        () -> h.compile(Language.GROOVY, "def a = 1\nreturn [x: binding]", null));
        assertEquals(2, e.line());
    }

    @Test
    void nullSafeNavigationWorks() throws Exception {
        Outcome o =
                run("def q = ctx.dim('questions', 'none')\n[chapter: q?.chapter, n: q?.size()]");
        h.dims.put("questions", Map.of());
        Outcome o2 =
                run("def q = ctx.dim('questions', 'none')\n[chapter: q?.chapter, n: q?.size()]");
        assertEquals(
                FailureReason.SCRIPT_ERROR, o.failure().reason()); // no such dimension configured
        assertNull(o2.failure(), () -> o2.failure().toString());
        java.util.Map<String, Object> expected = new java.util.HashMap<>();
        expected.put("chapter", null);
        expected.put("n", null);
        assertEquals(expected, ((Emission.Upsert) o2.emissions().get(0)).row());
    }

    @Test
    void aFailedRunLeavesStateAsItWas() throws Exception {
        run("ctx.state.incr('n', 1)\nnull");
        Outcome o =
                run(
                        "ctx.state.incr('n', 10)\nctx.state.put('x', 'y')\nthrow new IllegalStateException('no')");
        assertEquals(FailureReason.SCRIPT_ERROR, o.failure().reason());
        assertEquals(1L, h.state.get("n"));
        assertNull(h.state.get("x"));
        Outcome ok = run("[n: ctx.state.incr('n', 2), before: ctx.state.get('n')]");
        assertEquals(
                Map.of("n", 3L, "before", 3L), ((Emission.Upsert) ok.emissions().get(0)).row());
    }

    /**
     * A state value comes out as a copy: changing it changes state only through put, and a returned
     * row (taken without a copy) never shares an object with the state.
     */
    @Test
    void stateValuesComeOutAsCopies() throws Exception {
        run("ctx.state.put('m', [a: 1, tags: ['x']])\nnull");
        Outcome o =
                run(
                        "def m = ctx.state.get('m')\nm.a = 2\nm.tags << 'y'\n"
                                + "def flat = ctx.state.get('m')\nflat.remove('tags')\nflat");
        assertNull(o.failure(), () -> String.valueOf(o.failure()));
        assertEquals(Map.of("a", 1), ((Emission.Upsert) o.emissions().get(0)).row());
        assertEquals(Map.of("a", 1, "tags", List.of("x")), h.state.get("m"));
        Outcome put = run("def m = ctx.state.get('m')\nm.a = 3\nctx.state.put('m', m)\nm.a = 4\nm");
        assertEquals(4, ((Emission.Upsert) put.emissions().get(0)).row().get("a"));
        assertEquals(3, ((Map<?, ?>) h.state.get("m")).get("a"));
    }

    @Test
    void regexMethodsBehaveLikeGroovys() throws Exception {
        Outcome o =
                run(
                        "def s = 'a1b22c333'\n"
                                + "[all: s.replaceAll(/\\d+/, '#'), first: s.replaceFirst(/\\d+/, '#'),\n"
                                + " closure: s.replaceAll(/(\\d)(\\d*)/) { m, a, b -> a + b.size() },\n"
                                + " find: s.find(/\\d+/), found: s.findAll(/\\d+/).join(','), none: s.find(/x/),\n"
                                + " matches: s.matches(/[a-c0-9]+/), op: (s ==~ /a.*/), parts: 'x, y,z'.split(/,\\s*/).toList().join('|')]");
        assertNull(o.failure(), () -> o.failure().toString());
        java.util.Map<String, Object> expected = new java.util.HashMap<>();
        expected.put("all", "a#b#c#");
        expected.put("first", "a#b22c333");
        expected.put("closure", "a10b21c32");
        expected.put("find", "1");
        expected.put("found", "1,22,333");
        expected.put("none", null);
        expected.put("matches", true);
        expected.put("op", true);
        expected.put("parts", "x|y|z");
        assertEquals(expected, ((Emission.Upsert) o.emissions().get(0)).row());
    }
}
