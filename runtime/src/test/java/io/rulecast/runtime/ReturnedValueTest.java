package io.rulecast.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values that leave a script (returned, or handed to {@code ctx}) and carry code of their own: a
 * closure coerced to {@code Map}, a list holding one, a lazy GString, a JavaScript Proxy with
 * looping traps. Each must end as a failure of its event — never an exception out of {@code
 * invoke}, never a thread stuck after the guard — within 2 × script.timeout + 100 ms.
 */
class ReturnedValueTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final long LIMIT_MS = 2 * TIMEOUT.toMillis() + 100;
    private static RuleHarness h;

    @BeforeAll
    static void start() {
        // The same budget for a version's first runs: only the very first run may be slower.
        h =
                new RuleHarness(
                        RuntimeOptions.defaults()
                                .withTimeout(TIMEOUT)
                                .withColdStartTimeout(TIMEOUT));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /**
     * Groovy payloads. Coercing a closure to a map is refused where the proxy would be made
     * (SANDBOX_VIOLATION, see GroovyEscapeRound2Test); {@link #javaProxiesAreRefusedByType} keeps
     * testing the check of returned values with proxies made outside the rule.
     */
    static Stream<Arguments> groovy() {
        String thrower = "({ -> ctx.log('proxy ran'); throw new RuntimeException('boom') } as Map)";
        String looper = "({ -> ctx.log('proxy ran'); while (true) {} } as Map)";
        return Stream.of(
                Arguments.of("returned throwing proxy", "return " + thrower, Set.of(PROXY_REFUSED)),
                Arguments.of("returned looping proxy", "return " + looper, Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "list holding a proxy", "return [" + thrower + "]", Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "list holding a looping proxy",
                        "return [[a: 1], " + looper + "]",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "map value a proxy", "return [a: " + looper + "]", Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "lazy GString value, looping",
                        "return [a: \"${-> ctx.log('proxy ran'); while (true) {} }\"]",
                        Set.of(BAD)),
                Arguments.of(
                        "lazy GString value, throwing",
                        "return [a: \"x${-> ctx.log('proxy ran'); throw new RuntimeException('b')}\"]",
                        Set.of(BAD)),
                Arguments.of(
                        "lazy GString key",
                        // the map itself hashes the key while the script runs
                        "return [(\"${-> ctx.log('key ran'); 'k'}\"): 1]",
                        Set.of(BAD)),
                Arguments.of(
                        "GString holding a proxy",
                        "def p = " + looper + "; return [a: \"${p}\"]",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "read-only view around a looping proxy",
                        "return Collections.unmodifiableMap(" + looper + ")",
                        // a view's calls go to what it wraps: bounded by the guard
                        Set.of(BAD, FailureReason.TIMEOUT, FailureReason.SANDBOX_VIOLATION)),
                Arguments.of(
                        "ctx.upsert of a proxy",
                        "ctx.upsert('t', " + thrower + ")",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "ctx.upsert of a looping proxy",
                        "ctx.upsert('t', " + looper + ")",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "ctx.delete of a proxy",
                        "ctx.delete('t', " + looper + ")",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "ctx.alert fields a proxy",
                        "ctx.alert('WARN', 'm', " + looper + ")",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "ctx.metric tags a proxy",
                        "ctx.metric('m', 1, " + looper + ")",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "ctx.state.put of a proxy in a list",
                        "ctx.state.put('k', [" + looper + "])",
                        Set.of(PROXY_REFUSED)),
                Arguments.of(
                        "ctx.state.put of a lazy GString",
                        "ctx.state.put('k', \"${-> ctx.log('proxy ran'); while (true) {} }\")",
                        Set.of(ERR)));
    }

    private static final FailureReason BAD = FailureReason.BAD_RETURN;
    private static final FailureReason PROXY_REFUSED = FailureReason.SANDBOX_VIOLATION;
    private static final FailureReason ERR = FailureReason.SCRIPT_ERROR;

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void groovy(String what, String script, Set<FailureReason> expected) throws Exception {
        CompiledRule rule = h.compile(Language.GROOVY, script, "{\"output_table\":\"t_out\"}");
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            Outcome o = rule.invoke(RuleHarness.sampleEvent(), h.state, h.lookup());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(o.failure(), what + ": no failure, emitted " + o.emissions());
            assertTrue(
                    expected.contains(o.failure().reason()),
                    what + ": expected " + expected + ", got " + o.failure());
            assertTrue(o.emissions().isEmpty());
            if (expected.size() == 1) {
                // refused by its type: none of the value's own code ran
                assertFalse(o.logs().contains("proxy ran"), what + ": the value's code ran");
            }
            long limit = run == 0 ? 5_000 : LIMIT_MS;
            assertTrue(ms <= limit, what + ": run " + run + " took " + ms + " ms > " + limit);
        }
        assertTrue(h.state.values.isEmpty(), "state changed: " + h.state.values);
    }

    static Stream<Arguments> js() {
        return Stream.of(
                Arguments.of(
                        "Proxy with looping ownKeys",
                        "return new Proxy({}, {ownKeys() { while (true) {} }});",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "Proxy with looping get",
                        "return new Proxy({a: 1}, {get() { while (true) {} }});",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "Proxy with throwing ownKeys",
                        "return new Proxy({}, {ownKeys() { throw new Error('boom'); }});",
                        null),
                Arguments.of(
                        "looping getter",
                        "return {get a() { while (true) {} }};",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "array of a looping Proxy",
                        "return [new Proxy({a: 1}, {get() { while (true) {} }})];",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "ctx.upsert of a looping Proxy",
                        "ctx.upsert('t', new Proxy({a: 1}, {get() { while (true) {} }}));",
                        FailureReason.TIMEOUT),
                Arguments.of(
                        "ctx.state.put of a looping getter",
                        "ctx.state.put('k', {get a() { while (true) {} }});",
                        FailureReason.TIMEOUT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void js(String what, String body, FailureReason expected) throws Exception {
        CompiledRule rule = h.compile(Language.JS, body, "{\"output_table\":\"t_out\"}");
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            Outcome o = rule.invoke(RuleHarness.sampleEvent(), h.state, h.lookup());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(o.failure(), what + ": no failure, emitted " + o.emissions());
            if (expected != null) {
                assertEquals(expected, o.failure().reason(), what + ": " + o.failure());
            }
            long limit = run == 0 ? 5_000 : LIMIT_MS;
            assertTrue(ms <= limit, what + ": run " + run + " took " + ms + " ms > " + limit);
        }
        assertTrue(h.state.values.isEmpty(), "state changed: " + h.state.values);
    }

    /** A map, a list element and a map value that are proxies whose methods throw or loop. */
    @Test
    void javaProxiesAreRefusedByType() throws Exception {
        java.util.concurrent.atomic.AtomicInteger ran =
                new java.util.concurrent.atomic.AtomicInteger();
        java.lang.reflect.InvocationHandler throwing =
                (proxy, method, args) -> {
                    ran.incrementAndGet();
                    throw new IllegalStateException("boom");
                };
        java.lang.reflect.InvocationHandler looping =
                (proxy, method, args) -> {
                    ran.incrementAndGet();
                    while (true) {
                        Thread.onSpinWait();
                    }
                };
        for (java.lang.reflect.InvocationHandler handler : List.of(throwing, looping)) {
            Object proxy =
                    java.lang.reflect.Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Map.class}, handler);
            for (Object returned :
                    List.of(proxy, List.of(Map.of("a", 1), proxy), Map.of("a", proxy))) {
                io.rulecast.runtime.spi.ScriptEngine engine =
                        new io.rulecast.runtime.spi.ScriptEngine() {
                            @Override
                            public Language language() {
                                return Language.GROOVY;
                            }

                            @Override
                            public io.rulecast.runtime.spi.CompiledScript compile(
                                    String script, String sourceName) {
                                return (event, ctx) -> returned;
                            }
                        };
                try (ScriptRuntime runtime =
                        new ScriptRuntime(h.runtime.options(), List.of(engine))) {
                    CompiledRule rule =
                            runtime.compile(
                                    new RuleDefinition(
                                            new RuleId("test", "t", "proxy"),
                                            Language.GROOVY,
                                            "return null",
                                            "{\"output_table\":\"t_out\"}"));
                    long start = System.nanoTime();
                    Outcome o = rule.invoke(RuleHarness.sampleEvent(), h.state, h.lookup());
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertNotNull(o.failure(), "a proxy was accepted: " + o.emissions());
                    assertEquals(BAD, o.failure().reason(), String.valueOf(o.failure()));
                    assertTrue(ms <= 5_000, "took " + ms + " ms");
                }
            }
        }
        assertEquals(0, ran.get(), "a proxy's method ran");
    }

    @Test
    void plainValuesStillPass() throws Exception {
        CompiledRule rule =
                h.compile(
                        Language.GROOVY,
                        "def n = 3; def l = [1, [x: 2]]; ctx.state.put('k', \"n=${n} ${l}\"); "
                                + "return [[a: \"v${n}\", b: event.payload.tags, c: [1L, 2.5d, true]"
                                + " as Set, d: event.payload]]",
                        "{\"output_table\":\"t_out\"}");
        Outcome o = null;
        // A first run may time out on a busy machine (cold, 200 ms budget).
        for (int i = 0; i < 5 && (o == null || o.failed()); i++) {
            o = rule.invoke(RuleHarness.sampleEvent(), h.state, h.lookup());
        }
        Outcome result = o;
        assertNull(result.failure(), () -> "failed: " + result.failure());
        Map<String, Object> row = ((Emission.Upsert) result.emissions().get(0)).row();
        assertEquals("v3", row.get("a"));
        assertEquals(List.of("fraction", "hard"), row.get("b"));
        assertEquals(List.of(1L, 2.5, true), row.get("c"));
        assertEquals("u-1", ((Map<?, ?>) row.get("d")).get("userId"));
        assertEquals("n=3 [1, [x:2]]", h.state.values.remove("k"));
    }
}
