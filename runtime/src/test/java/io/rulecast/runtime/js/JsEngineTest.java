package io.rulecast.runtime.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.Json;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.spi.CompiledScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JavaScript rule API (SPEC.md "Script contract") through the real runtime. */
class JsEngineTest {
    private static JsHarness h;

    @BeforeAll
    static void start() {
        h = new JsHarness();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /**
     * The jit profile runs these tests on a JVMCI JDK with Graal's compiler and sets this property:
     * there, rules must really run compiled, or the profile would test the interpreter twice.
     */
    @Test
    void runsCompiledWhereTheBuildAsksForIt() {
        String runtime = JsEngine.runtimeName();
        if (Boolean.getBoolean("rulecast.test.expect.js.compiled")) {
            assertTrue(runtime.startsWith("compiled by Graal"), runtime);
        } else if (Runtime.version().feature() < 25) {
            // GraalJS 25's compiler needs the JVMCI of JDK 25: older JDKs interpret.
            assertEquals("interpreted", runtime);
        }
    }

    private static Outcome ok(String script) throws CompileException {
        Outcome o = h.run(script);
        assertNull(o.failure(), () -> "failed: " + o.failure());
        return o;
    }

    private static Outcome fails(FailureReason reason, String script) throws CompileException {
        return fails(reason, script, JsHarness.OUTPUT);
    }

    private static Outcome fails(FailureReason reason, String script, String config)
            throws CompileException {
        Outcome o = h.run(script, config, JsHarness.sampleEvent());
        assertTrue(o.failed(), () -> "expected " + reason + " but emitted " + o.emissions());
        assertEquals(reason, o.failure().reason(), () -> o.failure().message());
        assertTrue(o.emissions().isEmpty());
        return o;
    }

    private static Map<String, Object> row(Outcome o, int i) {
        return ((Emission.Upsert) o.emissions().get(i)).row();
    }

    @Test
    void ctxCallsAreEmittedInOrderBeforeReturnedRows() throws Exception {
        Outcome o =
                ok(
                        "ctx.upsert('t_wide', {id: event.payload.userId, n: 1});\n"
                                + "ctx.delete('t_old', {id: 7});\n"
                                + "ctx.alert('WARN', 'low score', {score: event.payload.score});\n"
                                + "ctx.metric('wrongbook.added', 1, {subject: event.payload.subject});\n"
                                + "return {id: event.eventId};");
        assertEquals(
                List.of(
                        new Emission.Upsert("t_wide", Map.of("id", "u-1", "n", 1)),
                        new Emission.Delete("t_old", Map.of("id", 7)),
                        new Emission.Alert("WARN", "low score", Map.of("score", 35)),
                        new Emission.Metric("wrongbook.added", 1, Map.of("subject", "math")),
                        new Emission.Upsert("t_out", Map.of("id", "e-1"))),
                o.emissions());
    }

    @Test
    void alertAndMetricTakeOptionalArguments() throws Exception {
        Outcome o = ok("ctx.alert('INFO', 'hello'); ctx.metric('m', 2.5);");
        assertEquals(
                List.of(
                        new Emission.Alert("INFO", "hello", Map.of()),
                        new Emission.Metric("m", 2.5, Map.of())),
                o.emissions());
    }

    @Test
    void returnsAnArrayOfRows() throws Exception {
        Outcome o = ok("return event.payload.tags.map((t, i) => ({tag: t, pos: i}));");
        assertEquals(2, o.emissions().size());
        assertEquals(Map.of("tag", "fraction", "pos", 0), row(o, 0));
        assertEquals(Map.of("tag", "hard", "pos", 1), row(o, 1));
    }

    @Test
    void nullUndefinedAndEmptyArrayEmitNothing() throws Exception {
        assertTrue(ok("return null;").emissions().isEmpty());
        assertTrue(ok("return;").emissions().isEmpty());
        assertTrue(ok("const x = 1;").emissions().isEmpty());
        assertTrue(
                h.run("return [];", "{}", JsHarness.sampleEvent()).emissions().isEmpty(),
                "an empty array needs no output_table");
    }

    @Test
    void returningAStringIsBadReturn() throws Exception {
        fails(FailureReason.BAD_RETURN, "return 'done';");
    }

    @Test
    void returningARowWithoutOutputTableIsBadReturn() throws Exception {
        Outcome o = fails(FailureReason.BAD_RETURN, "return {a: 1};", "{}");
        assertTrue(o.failure().message().contains("output_table"), o.failure().message());
    }

    @Test
    void returningNonDataIsBadReturn() throws Exception {
        fails(FailureReason.BAD_RETURN, "return {f: () => 1};");
        fails(FailureReason.BAD_RETURN, "return [1, 2];");
        fails(FailureReason.BAD_RETURN, "return Promise.resolve({a: 1});");
        fails(FailureReason.BAD_RETURN, "return {s: Symbol('x')};");
        fails(FailureReason.BAD_RETURN, "const a = {}; a.self = a; return a;");
    }

    @Test
    void valuesBecomePlainJavaData() throws Exception {
        Map<String, Object> r =
                row(
                        ok(
                                "return {i: 3, d: 2.5, big: 2 ** 40, neg0: -0, s: 'x', b: true,"
                                        + " n: null, u: undefined, when: new Date(5),"
                                        + " nested: {list: [1, 'a', null, {k: [true]}]},"
                                        + " m: new Map([['k', 1]]), ratio: event.payload.ratio,"
                                        + " ts: event.timestamp};"),
                        0);
        assertEquals(3, r.get("i"));
        assertEquals(2.5, r.get("d"));
        assertEquals(1L << 40, r.get("big"));
        assertEquals(0, r.get("neg0"));
        assertEquals("x", r.get("s"));
        assertEquals(true, r.get("b"));
        assertTrue(r.containsKey("n"));
        assertNull(r.get("n"));
        assertFalse(r.containsKey("u"), "undefined members are left out, as JSON.stringify does");
        assertEquals(5L, r.get("when"), "Dates become epoch millis, like event.timestamp");
        assertEquals(
                Map.of("list", java.util.Arrays.asList(1, "a", null, Map.of("k", List.of(true)))),
                r.get("nested"));
        assertEquals(Map.of("k", 1), r.get("m"));
        assertEquals(0.25, r.get("ratio"), "exact decimals reach scripts as numbers");
        assertEquals(1763800000000L, r.get("ts"));
        assertInstanceOf(LinkedHashMap.class, r.get("nested"));
        assertInstanceOf(ArrayList.class, ((Map<?, ?>) r.get("nested")).get("list"));
    }

    @Test
    void commonIdiomsWorkOnTheEvent() throws Exception {
        Map<String, Object> r =
                row(
                        ok(
                                "const p = event.payload;\n"
                                        + "const {userId, tags} = p;\n"
                                        + "let n = 0; for (const t of tags) n += t.length;\n"
                                        + "return {keys: Object.keys(p).length,"
                                        + " json: JSON.stringify(p.items[0]),"
                                        + " doubled: p.items.map(i => i.q * 2),"
                                        + " total: p.items.reduce((s, i) => s + i.q, 0),"
                                        + " isArray: Array.isArray(tags), has: 'score' in p,"
                                        + " copy: {...p, score: 99}.score, entries: Object.entries(p).length,"
                                        + " joined: tags.join('|'), n: n, user: userId,"
                                        + " missing: p.nope === undefined,"
                                        + " iso: new Date(event.timestamp).toISOString()};"),
                        0);
        assertEquals(8, r.get("keys"));
        assertEquals(Map.of("id", 1, "q", 2), Json.parseObject((String) r.get("json")));
        assertEquals(List.of(4, 10), r.get("doubled"));
        assertEquals(7, r.get("total"));
        assertEquals(true, r.get("isArray"));
        assertEquals(true, r.get("has"));
        assertEquals(99, r.get("copy"));
        assertEquals(8, r.get("entries"));
        assertEquals("fraction|hard", r.get("joined"));
        assertEquals(12, r.get("n"));
        assertEquals("u-1", r.get("user"));
        assertEquals(true, r.get("missing"));
        assertEquals("2025-11-22T08:26:40.000Z", r.get("iso"));
    }

    @Test
    void eventIsReadOnly() throws Exception {
        for (String write :
                List.of(
                        "event.payload.score = 5;",
                        "event.extra = 1;",
                        "delete event.payload.score;",
                        "event.payload.tags.push('x');",
                        "event.payload.tags[0] = 'y';",
                        "ctx.config.output_table = 'other';",
                        "ctx.upsert = null;",
                        "delete ctx.dim;",
                        "ctx.extra = 1;",
                        "ctx.state.get = null;",
                        "console.log = null;")) {
            Outcome o = fails(FailureReason.SCRIPT_ERROR, write, JsHarness.OUTPUT);
            assertTrue(o.failure().message().contains("read-only"), o.failure().message());
        }
        Outcome copied = ok("const p = {...event.payload}; p.score = 5; return {s: p.score};");
        assertEquals(5, row(copied, 0).get("s"));
    }

    @Test
    void dimLooksUpRows() throws Exception {
        h.dims.put("question", Map.of("q-7", Map.of("knowledge", "fractions", "level", 3)));
        Outcome o =
                ok(
                        "const q = ctx.dim('question', event.payload.questionId);\n"
                                + "const none = ctx.dim('question', 'q-404');\n"
                                + "return {k: q.knowledge, l: q.level, none: none};");
        Map<String, Object> r = row(o, 0);
        assertEquals("fractions", r.get("k"));
        assertEquals(3, r.get("l"));
        assertNull(r.get("none"));
        fails(FailureReason.SCRIPT_ERROR, "ctx.dim('nope', 1);");
        h.dims.put("open", new java.util.HashMap<>());
        assertNull(row(ok("return {q: ctx.dim('open')};"), 0).get("q"), "a missing key is null");
        fails(FailureReason.SCRIPT_ERROR, "ctx.dim('question', 'q-7').level = 4;");
    }

    @Test
    void stateGetPutIncr() throws Exception {
        h.state.values.clear();
        Outcome o =
                ok(
                        "const before = ctx.state.get('seen');\n"
                                + "ctx.state.put('last', {id: event.eventId, tags: event.payload.tags});\n"
                                + "const a = ctx.state.incr('count');\n"
                                + "const b = ctx.state.incr('count', 4);\n"
                                + "return {before: before, a: a, b: b, last: ctx.state.get('last').tags[1]};");
        assertEquals(Map.of("a", 1, "b", 5, "last", "hard"), withoutNulls(row(o, 0)));
        assertEquals(Map.of("id", "e-1", "tags", List.of("fraction", "hard")), h.state.get("last"));
        assertEquals(5L, h.state.get("count"));
        fails(FailureReason.SCRIPT_ERROR, "ctx.state.get('last').id = 'x';");
        fails(FailureReason.SCRIPT_ERROR, "ctx.state.put('f', () => 1);");
        fails(FailureReason.SCRIPT_ERROR, "ctx.state.incr('count', 'one');");
    }

    @Test
    void configIsReadable() throws Exception {
        Outcome o =
                h.run(
                        "return {t: ctx.config.output_table, lim: ctx.config.limits.max,"
                                + " keys: Object.keys(ctx.config)};",
                        "{\"output_table\":\"t_out\",\"limits\":{\"max\":3}}",
                        JsHarness.sampleEvent());
        assertNull(o.failure());
        assertEquals(
                Map.of("t", "t_out", "lim", 3, "keys", List.of("output_table", "limits")),
                row(o, 0));
    }

    @Test
    void logAndConsoleGoToTheOutcomeLogs() throws Exception {
        Outcome o =
                ok(
                        "ctx.log('user ' + event.payload.userId);\n"
                                + "console.log('tags', event.payload.tags.length, {a: [1]});\n"
                                + "console.error('bad', null);");
        assertEquals(List.of("user u-1", "tags 2 {a: [1]}", "bad null"), o.logs());
    }

    @Test
    void badCtxArgumentsAreScriptErrors() throws Exception {
        fails(FailureReason.SCRIPT_ERROR, "ctx.upsert('', {a: 1});");
        fails(FailureReason.SCRIPT_ERROR, "ctx.upsert('t', [1, 2]);");
        fails(FailureReason.SCRIPT_ERROR, "ctx.upsert('t');");
        fails(FailureReason.SCRIPT_ERROR, "ctx.metric('m', 'one');");
        fails(FailureReason.SCRIPT_ERROR, "ctx.alert('WARN', 'x', {f: function () {}});");
    }

    @Test
    void aFailedCtxCallFailsTheInvocationEvenIfCaught() throws Exception {
        fails(
                FailureReason.SCRIPT_ERROR,
                "try { ctx.upsert('t', 'not a row'); } catch (e) {}\nreturn {ok: true};");
    }

    @Test
    void runtimeErrorsNameTheBodyLine() throws Exception {
        Outcome o =
                fails(FailureReason.SCRIPT_ERROR, "const a = 1;\n\nconst o = null;\nreturn o.x;");
        assertTrue(o.failure().message().startsWith("TypeError:"), o.failure().message());
        assertTrue(o.failure().message().endsWith("(line 4)"), o.failure().message());
        Outcome t = fails(FailureReason.SCRIPT_ERROR, "if (true) {\n  throw new Error('boom');\n}");
        assertEquals("Error: boom (line 2)", t.failure().message());
    }

    @Test
    void strictModeRefusesUndeclaredNames() throws Exception {
        Outcome o = fails(FailureReason.SCRIPT_ERROR, "total = 5;");
        assertTrue(o.failure().message().contains("ReferenceError"), o.failure().message());
        CompileException with =
                assertThrows(CompileException.class, () -> h.run("with (event) { return null; }"));
        assertEquals(1, with.line());
        assertThrows(CompileException.class, () -> h.run("return 010;"));
    }

    @Test
    void compileErrorsReportBodyLineAndColumn() {
        CompileException e =
                assertThrows(CompileException.class, () -> h.run("let x = 1;\nreturn x +;"));
        assertEquals(2, e.line());
        assertEquals(11, e.column());
        assertTrue(e.detail().contains("Expected an operand"), e.detail());

        CompileException unclosed =
                assertThrows(CompileException.class, () -> h.run("const s = 1;\nconst x = `abc"));
        assertEquals(2, unclosed.line());

        CompileException dup =
                assertThrows(CompileException.class, () -> h.run("let a = 1;\nlet a = 2;"));
        assertEquals(2, dup.line());
        assertEquals(5, dup.column());
    }

    @Test
    void compilingRunsNothing() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> {
                    h.compile("loops", "while (true) {}", JsHarness.OUTPUT);
                    h.compile("writes", "ctx.state.put('ran', true);", JsHarness.OUTPUT);
                });
        assertNull(h.state.get("ran"));
    }

    @Test
    void aBodyThatClosesTheWrapperIsRefused() {
        CompileException e =
                assertThrows(
                        CompileException.class,
                        () -> h.run("return null;\n}); while (true) {} (function () {"));
        assertEquals(2, e.line());
    }

    @Test
    void manyThreadsRunOneRule() throws Exception {
        CompiledRule rule =
                h.compile(
                        "threads",
                        "let s = 0; for (let i = 0; i < 50; i++) s += i;\n"
                                + "return {id: event.eventId, user: event.payload.userId, s: s};",
                        JsHarness.OUTPUT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 200; i++) {
                                        String id = "e-" + thread + "-" + i;
                                        Outcome o =
                                                rule.invoke(
                                                        event(id, "u-" + thread),
                                                        new JsHarness.MemoryState(),
                                                        h.lookup());
                                        assertNull(o.failure(), () -> String.valueOf(o.failure()));
                                        assertEquals(
                                                Map.of("id", id, "user", "u-" + thread, "s", 1225),
                                                ((Emission.Upsert) o.emissions().get(0)).row());
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedScriptRunsAgain() throws Exception {
        JsEngine engine = new JsEngine(RuntimeOptions.defaults());
        try {
            CompiledScript s = engine.compile("return {a: event.x};", "closing");
            assertEquals(Map.of("a", 1), s.run(Map.of("x", 1), null));
            s.close();
            assertEquals(Map.of("a", 2), s.run(Map.of("x", 2), null));
            s.close();
        } finally {
            engine.close();
        }
    }

    private static Map<String, Object> event(String id, String user) {
        Map<String, Object> e = new LinkedHashMap<>(JsHarness.sampleEvent());
        e.put("eventId", id);
        Map<String, Object> p = new LinkedHashMap<>(castMap(e.get("payload")));
        p.put("userId", user);
        e.put("payload", p);
        return e;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach(
                (k, v) -> {
                    if (v != null) {
                        out.put(k, v);
                    }
                });
        return out;
    }
}
