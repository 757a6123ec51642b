package io.rulecast.runtime.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile rule bodies, each with the exact outcome it must get. Time-bound payloads run with a
 * short timeout; allocation payloads with a long timeout and a small allocation budget, so that
 * which bound breaks first never depends on the machine's speed.
 */
class JsSandboxTest {
    private static final Path CANARY =
            Path.of(System.getProperty("java.io.tmpdir"), "rulecast-canary-" + UUID.randomUUID());
    private static final String C = "'" + CANARY + "'";

    /** 500 ms: hostile payloads that must not time out finish well within it even on a busy CI. */
    private static JsHarness fast;

    /** 16 MiB of allocation and 10 s: allocation payloads end on the memory bound. */
    private static JsHarness memory;

    private static int rules;

    @BeforeAll
    static void start() {
        fast = new JsHarness(RuntimeOptions.defaults().withTimeout(Duration.ofMillis(500)));
        memory =
                new JsHarness(
                        RuntimeOptions.defaults()
                                .withTimeout(Duration.ofSeconds(10))
                                .withMemoryLimit(16L << 20));
    }

    @AfterAll
    static void stop() throws Exception {
        assertFalse(Files.exists(CANARY), "a hostile script created " + CANARY);
        normalRuleStillWorks(fast);
        normalRuleStillWorks(memory);
        fast.close();
        memory.close();
    }

    @AfterEach
    void afterEach() throws Exception {
        assertFalse(Files.exists(CANARY), "a hostile script created " + CANARY);
        normalRuleStillWorks(fast);
    }

    private static void normalRuleStillWorks(JsHarness h) throws CompileException {
        Outcome o = h.run("return {user: event.payload.userId};");
        assertNull(o.failure(), () -> "a normal rule failed after hostile ones: " + o.failure());
        assertEquals(List.of(new Emission.Upsert("t_out", Map.of("user", "u-1"))), o.emissions());
    }

    /** Each payload as its own rule, so that no two share a context. */
    private static Outcome run(JsHarness h, String script) throws CompileException {
        return h.compile("hostile" + rules++, script, JsHarness.OUTPUT)
                .invoke(JsHarness.sampleEvent(), h.state, h.lookup());
    }

    static Stream<Arguments> timeBound() {
        return Stream.of(
                // Host access and the globals of other JavaScript hosts.
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "Java.type('java.lang.Runtime').getRuntime().exec(['touch', " + C + "]);"),
                hostile(FailureReason.SANDBOX_VIOLATION, "Packages.java.lang.System.exit(1);"),
                hostile(FailureReason.SANDBOX_VIOLATION, "java.lang.System.exit(1);"),
                hostile(FailureReason.SANDBOX_VIOLATION, "Polyglot.eval('js', '1');"),
                hostile(FailureReason.SANDBOX_VIOLATION, "return {v: Graal.versionJS};"),
                hostile(FailureReason.SANDBOX_VIOLATION, "load('/etc/passwd');"),
                hostile(FailureReason.SANDBOX_VIOLATION, "quit();"),
                hostile(FailureReason.SANDBOX_VIOLATION, "print('to the task manager stdout');"),
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "require('fs').writeFileSync(" + C + ", 'x');"),
                hostile(FailureReason.SANDBOX_VIOLATION, "return {home: process.env.HOME};"),
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);"),
                // Code from strings, by every constructor that reaches the compiler.
                hostile(FailureReason.SANDBOX_VIOLATION, "return {v: eval('1 + 1')};"),
                hostile(FailureReason.SANDBOX_VIOLATION, "return new Function('return this')();"),
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "return ctx.constructor.constructor('return this')();"),
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "return event.payload.constructor.constructor('return globalThis')();"),
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "return Reflect.construct(Function, ['return 1'])();"),
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "Object.getPrototypeOf(async function () {}).constructor('return 1');"),
                hostile(
                        FailureReason.SANDBOX_VIOLATION,
                        "Object.getPrototypeOf(function* () {}).constructor('yield 1');"),
                // Proxies expose no Java members.
                hostile(FailureReason.SCRIPT_ERROR, "ctx.getClass().forName('java.lang.Runtime');"),
                hostile(FailureReason.SCRIPT_ERROR, "ctx.upsert.getClass();"),
                hostile(FailureReason.SCRIPT_ERROR, "event.getClass().getClassLoader();"),
                hostile(FailureReason.SCRIPT_ERROR, "event.payload.score = 0;"),
                hostile(FailureReason.SCRIPT_ERROR, "ctx.state.put('x', ctx);"),
                hostile(FailureReason.BAD_RETURN, "return ctx;"),
                // Module loading: the import is refused, so nothing it would do happens.
                hostile(FailureReason.BAD_RETURN, "return import(" + C + ");"),
                // Time.
                hostile(FailureReason.TIMEOUT, "while (true) {}"),
                hostile(
                        FailureReason.TIMEOUT,
                        "for (;;) { try { for (;;) {} } finally { continue; } }"),
                hostile(
                        FailureReason.TIMEOUT,
                        "Promise.resolve().then(() => { while (true) {} }); return null;"),
                hostile(FailureReason.TIMEOUT, "return {get x() { while (true) {} }};"),
                hostile(
                        FailureReason.TIMEOUT,
                        "return new Proxy({}, {ownKeys() { for (;;) {} }});"),
                // Stack.
                hostile(
                        FailureReason.STACK_OVERFLOW,
                        "function f() { return f() + 1; } return f();"),
                hostile(FailureReason.STACK_OVERFLOW, "const f = (n) => [f(n + 1)]; f(0);"),
                // Single builtins that would allocate everything in one call.
                hostile(FailureReason.MEMORY_LIMIT, "return {n: 'x'.repeat(2 ** 29).length};"),
                hostile(FailureReason.MEMORY_LIMIT, "return {n: 'ab'.padEnd(1e9, 'x').length};"),
                hostile(FailureReason.MEMORY_LIMIT, "return {n: new Uint8Array(1e9).length};"),
                hostile(
                        FailureReason.MEMORY_LIMIT,
                        "return {n: new ArrayBuffer(2 ** 31 - 1).byteLength};"),
                // Output.
                hostile(
                        FailureReason.OUTPUT_LIMIT,
                        "for (let i = 0; i < 1e6; i++) ctx.upsert('t', {i: i});"),
                hostile(
                        FailureReason.OUTPUT_LIMIT,
                        "try { for (let i = 0; i < 1e6; i++) ctx.upsert('t', {i: i}); } catch (e) {}\n"
                                + "return null;"),
                hostile(
                        FailureReason.OUTPUT_LIMIT,
                        "return new Array(5000).fill(0).map((_, i) => ({i: i}));"));
    }

    static Stream<Arguments> memoryBound() {
        return Stream.of(
                hostile(FailureReason.MEMORY_LIMIT, "return {n: new Array(1e9).fill(0).length};"),
                hostile(
                        FailureReason.MEMORY_LIMIT,
                        "const a = []; for (let i = 0; i < 1e7; i++) a.push({i: i}); return null;"),
                hostile(
                        FailureReason.MEMORY_LIMIT,
                        "for (;;) { const a = [1, 2, 3].map(x => ({x})); }"),
                hostile(
                        FailureReason.MEMORY_LIMIT,
                        "let s = ''; for (;;) s += 'xxxxxxxxxx' + s.length;"));
    }

    private static Arguments hostile(FailureReason reason, String script) {
        return Arguments.of(reason, script);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("timeBound")
    void timeBoundPayloadsGetTheirExactOutcome(FailureReason reason, String script)
            throws Exception {
        assertOutcome(fast, reason, script);
    }

    /**
     * A backreference forces TRegex onto its backtracking engine: exponential time, and it
     * allocates as it goes (about 100 MiB/s here). With the cold-start budget of a first run (5 ×
     * the timeout) an idle machine reached the 256 MiB memory limit first, so this payload runs
     * where the first run's budget is the timeout itself: the time bound is what it must meet.
     */
    @Test
    void exponentialBacktrackingEndsOnTheTimeBound() throws Exception {
        try (JsHarness h =
                new JsHarness(
                        RuntimeOptions.defaults()
                                .withTimeout(Duration.ofMillis(500))
                                .withColdStartTimeout(Duration.ofMillis(500)))) {
            assertOutcome(
                    h,
                    FailureReason.TIMEOUT,
                    "return {m: /(a+)+\\1$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')};");
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("memoryBound")
    void allocationPayloadsGetTheirExactOutcome(FailureReason reason, String script)
            throws Exception {
        assertOutcome(memory, reason, script);
    }

    private static void assertOutcome(JsHarness h, FailureReason reason, String script)
            throws CompileException {
        Outcome o = run(h, script);
        // A stray interrupt flag would break the task thread's next blocking call (Kafka, JDBC).
        assertFalse(Thread.currentThread().isInterrupted(), "the invoking thread was interrupted");
        assertTrue(o.failed(), () -> "expected " + reason + ", got " + o.emissions());
        assertEquals(reason, o.failure().reason(), () -> o.failure().message());
        assertTrue(o.emissions().isEmpty());
        assertFalse(o.failure().message().contains("java."), o.failure().message());
        assertFalse(o.failure().message().contains("io.rulecast"), o.failure().message());
    }

    @Test
    void theGlobalObjectHoldsOnlyStandardJavaScript() throws Exception {
        Outcome o =
                run(
                        fast,
                        "return {names: Object.getOwnPropertyNames(globalThis),"
                                + " self: typeof this, args: typeof arguments};");
        assertNull(o.failure());
        Map<String, Object> row = ((Emission.Upsert) o.emissions().get(0)).row();
        Set<String> standard =
                Set.of(
                        "Object",
                        "Function",
                        "Array",
                        "String",
                        "Date",
                        "Number",
                        "Boolean",
                        "RegExp",
                        "Math",
                        "JSON",
                        "NaN",
                        "Infinity",
                        "undefined",
                        "isNaN",
                        "isFinite",
                        "parseFloat",
                        "parseInt",
                        "encodeURI",
                        "encodeURIComponent",
                        "decodeURI",
                        "decodeURIComponent",
                        "eval",
                        "escape",
                        "unescape",
                        "Error",
                        "EvalError",
                        "RangeError",
                        "ReferenceError",
                        "SyntaxError",
                        "TypeError",
                        "URIError",
                        "AggregateError",
                        "ArrayBuffer",
                        "Int8Array",
                        "Uint8Array",
                        "Uint8ClampedArray",
                        "Int16Array",
                        "Uint16Array",
                        "Int32Array",
                        "Uint32Array",
                        "Float32Array",
                        "Float64Array",
                        "BigInt64Array",
                        "BigUint64Array",
                        "Float16Array",
                        "DataView",
                        "BigInt",
                        "Map",
                        "Set",
                        "WeakMap",
                        "WeakSet",
                        "Symbol",
                        "Reflect",
                        "Proxy",
                        "Promise",
                        "Iterator",
                        "globalThis",
                        "WeakRef",
                        "FinalizationRegistry",
                        "Intl",
                        "console");
        Set<String> extra = new TreeSet<>(names(row));
        extra.removeAll(standard);
        assertEquals(Set.of(), extra, "globals beyond standard JavaScript and console");
        assertEquals("undefined", row.get("self"), "strict mode: no global this in the body");
        assertEquals("object", row.get("args"), "the function's own arguments");
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> row) {
        return (List<String>) row.get("names");
    }

    @Test
    void pollutedPrototypesStayInTheirOwnRule() throws Exception {
        Outcome polluter =
                run(
                        fast,
                        "Object.prototype.polluted = 'yes'; Array.prototype.map = null;\n"
                                + "JSON.stringify = () => 'hijacked'; globalThis.shared = 42;\n"
                                + "globalThis.console = {log() {}};\n"
                                + "return null;");
        assertNull(polluter.failure());
        Outcome other =
                run(
                        fast,
                        "console.log('still logs');\n"
                                + "return {polluted: ({}).polluted === undefined,"
                                + " map: typeof [].map, json: JSON.stringify([1]),"
                                + " shared: typeof globalThis.shared};");
        assertNull(other.failure());
        assertEquals(
                Map.of("polluted", true, "map", "function", "json", "[1]", "shared", "undefined"),
                ((Emission.Upsert) other.emissions().get(0)).row());
        assertEquals(List.of("still logs"), other.logs());
    }

    @Test
    void aFailedImportDoesNothing() throws Exception {
        Outcome o =
                run(
                        fast,
                        "import("
                                + C
                                + ").then(m => ctx.upsert('t', {loaded: true}));\nreturn null;");
        assertNull(o.failure());
        assertEquals(List.of(), o.emissions());
    }

    @Test
    void theClassicCatastrophicRegexIsLinearInTRegex() throws Exception {
        // TRegex compiles this to an automaton without backtracking: it simply does not match.
        Outcome o = run(fast, "return {m: /(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')};");
        assertNull(o.failure(), () -> String.valueOf(o.failure()));
        assertEquals(Map.of("m", false), ((Emission.Upsert) o.emissions().get(0)).row());
    }

    @Test
    void wrapperBreakoutIsRefusedAtCompileTime() {
        for (String script :
                List.of(
                        "return null; }); while (true) {} (function () {",
                        "}; while (true) {}; {",
                        "return null;\n})\n;(function () {\nreturn null;",
                        "with (event) { return null; }",
                        "import fs from 'fs';")) {
            assertThrows(
                    CompileException.class,
                    () -> fast.compile("breakout" + rules++, script, JsHarness.OUTPUT),
                    script);
        }
    }

    @Test
    void aLateCancelNeverStopsTheNextInvocation() throws Exception {
        CompiledRule looping =
                fast.compile("looping", "const s = event.payload.score;\nwhile (s > 0) {}", "{}");
        CompiledRule normal =
                fast.compile("normal", "return {s: event.payload.score};", JsHarness.OUTPUT);
        for (int i = 0; i < 4; i++) {
            Outcome t = looping.invoke(JsHarness.sampleEvent(), fast.state, fast.lookup());
            assertEquals(FailureReason.TIMEOUT, t.failure().reason());
            for (int j = 0; j < 50; j++) {
                Outcome o = normal.invoke(JsHarness.sampleEvent(), fast.state, fast.lookup());
                assertNull(o.failure(), () -> "after a timeout: " + o.failure());
            }
        }
    }

    @Test
    void aRuleThatTimedOutRunsAgain() throws Exception {
        CompiledRule rule =
                fast.compile(
                        "sometimes",
                        "if (event.payload.score > 30) { while (true) {} }\nreturn {ok: true};",
                        JsHarness.OUTPUT);
        Map<String, Object> slow = JsHarness.sampleEvent();
        assertEquals(
                FailureReason.TIMEOUT,
                rule.invoke(slow, fast.state, fast.lookup()).failure().reason());
        Map<String, Object> quick = new java.util.LinkedHashMap<>(slow);
        quick.put("payload", Map.of("score", 1));
        for (int i = 0; i < 3; i++) {
            Outcome o = rule.invoke(quick, fast.state, fast.lookup());
            assertNull(o.failure(), () -> String.valueOf(o.failure()));
        }
    }
}
