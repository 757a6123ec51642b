package io.rulecast.runtime.groovy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleHarness;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The escapes of the second sandbox review (issue 18): objects reached through Groovy's own helpers
 * (subscripts and spreads by name, printing), code in parameter defaults, proxies made by coercion,
 * and host-library arithmetic the watchdog cannot interrupt. Each payload ends in its stated
 * failure, and — run a second time, once linked — within 2 × script.timeout + 100 ms of wall time.
 */
class GroovyEscapeRound2Test {
    static RuleHarness h;

    @BeforeAll
    static void start() {
        h = new RuleHarness();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static Stream<Arguments> failAtRunTime() {
        return Stream.of(
                Arguments.of(
                        "list subscript by name reads each element's class",
                        "[ctx]['class'][0]",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "closure's class through a list subscript",
                        "[{ -> 1 }]['class'][0]",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "metaclass through a list subscript",
                        "['abc']['metaClass'][0]",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "string subscript by name",
                        "'abc'['class']",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "getAt called by name",
                        "[ctx].getAt('class')",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "map values subscript by name",
                        "[a: ctx].values()['class']",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "iterator subscript by name",
                        "[1].iterator()['class']",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "spread property over an array",
                        "Object[] a = [ctx]\na*.rule",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "array subscript by name",
                        "Object[] a = [ctx]\na['rule']",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "spread over a map's entries",
                        "[a: ctx]*.value*.rule",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "parameter default reaching a class",
                        "def f(p = [ctx]['class'][0]) { p }\nf()",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "closure coerced to a map",
                        "def m = { -> throw new RuntimeException('x') } as Map\n[a: 1]",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "map coerced to an interface",
                        "def m = [next: { -> 1 }] as Iterator\n[a: 1]",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "map coerced to a list",
                        "def m = [a: 1] as List\n[a: 1]",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "string coerced to a proxy",
                        "def m = \"g${1}\" as List\n[a: 1]",
                        FailureReason.SANDBOX_VIOLATION),
                Arguments.of(
                        "shift then multiply",
                        "(1G << 100000000) * (1G << 100000000)",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "compound shift",
                        "def x = 1G\nx <<= 100000000\nx * x",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "shift by method", "1G.leftShift(100000000)", FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "repeated squaring",
                        "def b = 3G\n30.times { b = b * b }\n[a: 1]",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "squaring by method",
                        "def b = 3G\n30.times { b = b.multiply(b) }\n[a: 1]",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "power of a decimal", "1.0000001G ** 10000000", FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "huge exact power",
                        "(2G ** 99000) * (2G ** 99000)",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "decimal with a huge scale, added",
                        "new BigDecimal('1e-999999999') + 1",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "decimal from a static with a huge scale",
                        "BigDecimal.valueOf(1, -999999999).toPlainString()",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "setScale to a huge scale",
                        "1.5G.setScale(999999999)",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "movePointLeft far",
                        "1.5G.movePointLeft(999999999)",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "parsing a huge integer",
                        "('9' * 5000000) as BigInteger",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "parsing a huge integer by method",
                        "('9' * 5000000).toBigInteger()",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "parsing a huge decimal",
                        "('9' * 5000000).toBigDecimal()",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "constructing from a huge string",
                        "new BigInteger('9' * 50000)",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "huge format width",
                        "String.format('%0999999999d', 1)",
                        FailureReason.MEMORY_LIMIT),
                Arguments.of(
                        "huge format precision",
                        "String.format('%.999999999f', 1.5d)",
                        FailureReason.MEMORY_LIMIT));
    }

    static Stream<Arguments> refusedAtCompileTime() {
        return Stream.of(
                Arguments.of("println on ctx", "ctx.println('x')"),
                Arguments.of("print on a value", "'abc'.print()"),
                Arguments.of("printf on a list", "[1].printf('%s', 1)"),
                Arguments.of("sprintf", "'x'.sprintf('%s', 1)"),
                Arguments.of("dump", "event.dump()"),
                Arguments.of("inspect", "event.inspect()"),
                Arguments.of("getProperties", "event.payload.getProperties()"),
                Arguments.of("spread putAt", "Object[] a = [ctx]\na*.putAt('rule', null)"),
                Arguments.of("spread getAt", "Object[] a = [ctx]\na*.getAt('rule')"),
                Arguments.of(
                        "parameter default running a process",
                        "def f(p = 'id'.execute()) { p }\nf()"),
                Arguments.of("parameter default exiting", "def f(p = System.exit(3)) { p }\nf()"),
                Arguments.of(
                        "closure parameter default running a process",
                        "def c = { p = 'id'.execute() -> p }\nc()"),
                Arguments.of("huge decimal literal", "[a: 1e-99999999G]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failAtRunTime")
    void failsWithinItsBudget(String what, String script, FailureReason reason) throws Exception {
        CompiledRule rule = h.compile(Language.GROOVY, script, "{\"output_table\":\"t\"}");
        // The first run links call sites (the runtime gives it a cold-start budget); the second
        // is held to the bound every later run has.
        long coldLimit = 2 * h.runtime.options().coldStartTimeout().toMillis() + 2_000;
        long limit = 2 * h.runtime.options().timeout().toMillis() + 100;
        for (long bound : new long[] {coldLimit, limit}) {
            long start = System.nanoTime();
            Outcome o = rule.invoke(RuleHarness.sampleEvent(), h.state, h.lookup());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(o.failure(), what + " must fail");
            assertEquals(reason, o.failure().reason(), what + ": " + o.failure().message());
            assertTrue(
                    millis <= bound, what + " took " + millis + " ms, more than " + bound + " ms");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedAtCompileTime")
    void refused(String what, String script) {
        assertThrows(
                CompileException.class,
                () -> h.compile(Language.GROOVY, script, "{\"output_table\":\"t\"}"),
                what);
    }
}
