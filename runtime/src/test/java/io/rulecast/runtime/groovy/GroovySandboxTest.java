package io.rulecast.runtime.groovy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile Groovy rules. Each one must end in exactly the stated safe outcome: refused at compile
 * time, or failed with the stated reason — and nothing may escape: no canary file, no child
 * process, and the runtime keeps serving normal rules afterwards.
 */
class GroovySandboxTest {
    static final Path CANARY =
            Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "rulecast-canary-" + ProcessHandle.current().pid());
    static final String C = CANARY.toString();
    static RuleHarness h;

    /**
     * For allocation payloads: a long timeout and a small budget, so memory breaks first however
     * busy the machine.
     */
    static RuleHarness memory;

    static long childrenBefore;

    @BeforeAll
    static void start() throws Exception {
        Files.deleteIfExists(CANARY);
        h = new RuleHarness();
        memory =
                new RuleHarness(
                        io.rulecast.runtime.RuntimeOptions.defaults()
                                .withTimeout(java.time.Duration.ofSeconds(10))
                                .withMemoryLimit(16L << 20));
        childrenBefore = ProcessHandle.current().children().count();
    }

    @AfterAll
    static void nothingEscaped() throws Exception {
        try {
            assertFalse(Files.exists(CANARY), "a hostile rule created " + CANARY);
            assertEquals(
                    childrenBefore,
                    ProcessHandle.current().children().count(),
                    "a hostile rule started a process");
            Outcome ok = h.run(Language.GROOVY, "[ok: 'a'.toUpperCase()]");
            assertEquals(
                    Map.of("ok", "A"),
                    ((Emission.Upsert) ok.emissions().get(0)).row(),
                    "the runtime stopped serving normal rules");
        } finally {
            h.close();
            memory.close();
        }
    }

    static Stream<Arguments> refusedAtCompileTime() {
        return Stream.of(
                Arguments.of(
                        "ASTTest runs code while compiling",
                        "@groovy.transform.ASTTest(value={ new File('"
                                + C
                                + "').text = 'x' })\ndef x = 1"),
                Arguments.of(
                        "Grab fetches code while compiling",
                        "@Grab('org.apache.commons:commons-lang3:3.12.0')\nimport org.apache.commons.lang3.StringUtils\nnull"),
                Arguments.of(
                        "Grab on a declaration", "@Grab('commons-io:commons-io:2.11.0') def x = 1"),
                Arguments.of(
                        "CompileStatic annotation",
                        "@groovy.transform.CompileStatic\ndef f() { 1 }\nf()"),
                Arguments.of("import", "import java.io.File\nnew File('" + C + "').text = 'x'"),
                Arguments.of("file by full name", "new java.io.File('" + C + "').text = 'x'"),
                Arguments.of(
                        "Files.write",
                        "java.nio.file.Files.writeString(java.nio.file.Path.of('" + C + "'), 'x')"),
                Arguments.of("execute on a string", "'touch " + C + "'.execute()"),
                Arguments.of("Runtime.exec", "Runtime.getRuntime().exec('touch " + C + "')"),
                Arguments.of(
                        "Runtime held in a variable",
                        "def r = Runtime\nr.getRuntime().exec('touch " + C + "')"),
                Arguments.of("System.exit", "System.exit(1)"),
                Arguments.of("ProcessBuilder", "new ProcessBuilder('touch', '" + C + "').start()"),
                Arguments.of("socket", "new java.net.Socket('127.0.0.1', 3306)"),
                Arguments.of("URL", "new URL('http://127.0.0.1:3306/').text"),
                Arguments.of("Class.forName", "Class.forName('java.lang.Runtime')"),
                Arguments.of("getClass().forName", "''.getClass().forName('java.lang.Runtime')"),
                Arguments.of(".class property", "def c = ''.class\nc.forName('java.lang.Runtime')"),
                Arguments.of("class loader", "def l = event.getClass().classLoader"),
                Arguments.of("reflection", "String.getDeclaredMethods()"),
                Arguments.of("java.lang.invoke", "java.lang.invoke.MethodHandles.lookup()"),
                Arguments.of("method pointer", "def m = 'x'.&toUpperCase\nm()"),
                Arguments.of("method reference", "def f = String::valueOf\nf(1)"),
                Arguments.of("computed method name", "def n = 'exe' + 'cute'\n'id'.\"$n\"()"),
                Arguments.of("computed property name", "def n = 'class'\nevent.\"$n\""),
                Arguments.of(
                        "metaClass change", "String.metaClass.toUpperCase = { -> 'pwned' }\nnull"),
                Arguments.of(
                        "metaClass on a value", "''.metaClass.toUpperCase = { -> 'pwned' }\nnull"),
                Arguments.of("Eval", "Eval.me('1 + 1')"),
                Arguments.of("GroovyShell", "new GroovyShell().evaluate('1')"),
                Arguments.of("evaluate", "evaluate('new File(\"" + C + "\").text = 1')"),
                Arguments.of("binding", "binding.variables"),
                Arguments.of("this", "this.evaluate('1')"),
                Arguments.of("println to stdout", "println 'hello'"),
                Arguments.of("thread", "Thread.start { }"),
                Arguments.of("new Thread", "new Thread({ -> }).start()"),
                Arguments.of("class declaration", "class Evil { static { System.exit(1) } }\nnull"),
                Arguments.of("anonymous class", "def r = new Runnable() { void run() {} }"),
                Arguments.of("map coerced to an interface", "def r = [run: { -> }] as Runnable"),
                Arguments.of("typed declaration of a forbidden type", "java.io.File f = null"),
                Arguments.of(
                        "closure delegate", "def c = { -> toUpperCase() }\nc.delegate = 'x'\nc()"),
                Arguments.of("with sets a delegate", "'x'.with { execute() }"),
                Arguments.of("attribute access", "event.@m"),
                Arguments.of("super", "super.toString()"),
                Arguments.of(
                        "a method shadowing Script.evaluate",
                        "def evaluate(String s) { s }\nevaluate('x')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refusedAtCompileTime(String what, String script) {
        CompileException e =
                assertThrows(
                        CompileException.class,
                        () -> h.compile(Language.GROOVY, script, null),
                        what);
        assertNotNull(e.getMessage());
        assertFalse(Files.exists(CANARY), what + " created the canary while compiling");
    }

    static Stream<Arguments> failsAtRunTime() {
        return Stream.of(
                Arguments.of(
                        "reading a property outside the allowlist",
                        "event.payload.userId.bytes",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "a method outside the allowlist",
                        "[1, 2].stream()",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "an iterator's remove",
                        "def it = [1].iterator()\nit.remove()",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of("infinite while loop", "while (true) { }", FailureReason.TIMEOUT),
                Arguments.of("infinite for loop", "for (;;) { def x = 1 }", FailureReason.TIMEOUT),
                Arguments.of(
                        "loop in a closure",
                        "[1].each { while (true) { } }",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "catch swallowing the timeout",
                        "while (true) { try { while (true) { } } catch (Throwable t) { } }",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "catch swallowing in finally",
                        "while (true) { try { } finally { } }",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "unbounded recursion",
                        "def f(n) { f(n + 1) }\nf(0)",
                        FailureReason.STACK_OVERFLOW),
                Arguments.of(
                        "recursive closure",
                        "def f\nf = { n -> f(n + 1) }\nf(0)",
                        FailureReason.STACK_OVERFLOW),
                Arguments.of(
                        "string bomb in one call", "'x' * (1 << 29)", FailureReason.MEMORY_LIMIT),
                Arguments.of("repeat bomb", "'x'.repeat(1 << 29)", FailureReason.MEMORY_LIMIT),
                Arguments.of("padLeft bomb", "'x'.padLeft(1 << 30)", FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "doubling string",
                        "def s = 'x'\nwhile (true) { s = s + s }",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "growing list",
                        "def l = []\nwhile (true) { l << 'abcdefgh' * 10000 }",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "huge capacity", "new ArrayList(1000000000)", FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "huge array", "def a = new long[1000000000]", FailureReason.MEMORY_LIMIT),
                Arguments.of("huge power", "2G ** 100000000", FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "huge range walked in one builtin",
                        "(1..2000000000).sum()",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "catastrophic regex with ==~",
                        "def b = ('a' * 32) ==~ /^(a+)+\\1b/\n[b: b]",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "catastrophic regex with replaceAll",
                        "def s = ('a' * 32).replaceAll(/^(a+)+\\1b/, '')\n[s: s]",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "catastrophic regex with =~",
                        "def m = ('a' * 32) =~ /^(a+)+\\1b/\n[f: m.find()]",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "catastrophic regex with matches()",
                        "[m: ('a' * 32).matches(/^(a+)+\\1b/)]",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "a million rows",
                        "(1..1000000).each { ctx.upsert('t', [id: it]) }",
                        FailureReason.OUTPUT_LIMIT),
                Arguments.of(
                        "a million returned rows",
                        "(1..5000).collect { [id: it] }",
                        FailureReason.OUTPUT_LIMIT),
                Arguments.of(
                        "changing the event",
                        "event.payload.put('userId', 'x')",
                        FailureReason.SCRIPT_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void failsAtRunTime(String what, String script, FailureReason expected) throws Exception {
        RuleHarness harness = expected == FailureReason.MEMORY_LIMIT ? memory : h;
        Outcome o = harness.run(Language.GROOVY, script);
        assertNotNull(o.failure(), what + " did not fail");
        assertEquals(expected, o.failure().reason(), what + ": " + o.failure().message());
        assertTrue(o.emissions().isEmpty(), "a failed invocation emits nothing");
    }

    @Test
    void metaClassChangesCannotLeakIntoAnotherRule() throws Exception {
        assertThrows(
                CompileException.class,
                () ->
                        h.compile(
                                Language.GROOVY,
                                "String.metaClass.toUpperCase = { -> 'pwned' }\nnull",
                                null));
        assertThrows(
                CompileException.class,
                () ->
                        h.compile(
                                Language.GROOVY,
                                "def mc = 'x'.metaClass\nmc.toUpperCase = { -> 'pwned' }",
                                null));
        Outcome other = h.run(Language.GROOVY, "[v: 'abc'.toUpperCase()]");
        assertEquals(Map.of("v", "ABC"), ((Emission.Upsert) other.emissions().get(0)).row());
    }

    @Test
    void laterEventsRunNormallyAfterATimeout() throws Exception {
        assertEquals(
                FailureReason.TIMEOUT,
                h.run(Language.GROOVY, "while (true) { }").failure().reason());
        Outcome o = h.run(Language.GROOVY, "def n = 0\nfor (i in 1..1000) { n += i }\n[n: n]");
        assertEquals(Map.of("n", 500500), ((Emission.Upsert) o.emissions().get(0)).row());
    }
}
