package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.DependencyUnavailableException;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleHarness;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A dependency of {@code ctx} that cannot answer (the dimension database away, the state backend
 * failing) is not the rule's failure: the run ends {@code DEPENDENCY_UNAVAILABLE} whatever the
 * script did about it, the state is left as it was, the breaker is not told, and nothing is written
 * or dead-lettered, so that the job can retry the event.
 */
class DependencyOutageTest {
    /** CompiledRule's runs of a version with the cold-start budget. */
    private static final int COLD_RUNS = 3;

    private static final String CONFIG = "{\"output_table\":\"t_out\"}";

    private static final String GROOVY_CATCHES =
            "def n = ctx.state.incr('seen', 1)\n"
                    + "def s = null\n"
                    + "try { s = ctx.dim('student', event.payload.userId) }"
                    + " catch (e) { s = [name: 'unknown'] }\n"
                    + "return [id: event.eventId, name: s?.name, n: n]";

    private static final String JS_CATCHES =
            "const n = ctx.state.incr('seen', 1);\n"
                    + "let s = null;\n"
                    + "try { s = ctx.dim('student', event.payload.userId); }"
                    + " catch (e) { s = {name: 'unknown'}; }\n"
                    + "return {id: event.eventId, name: s === null ? null : s.name, n: n};";

    private static final String GROOVY_PLAIN =
            "def n = ctx.state.incr('seen', 1)\n"
                    + "def s = ctx.dim('student', event.payload.userId)\n"
                    + "return [id: event.eventId, name: s?.name, n: n]";

    private static final String JS_PLAIN =
            "const n = ctx.state.incr('seen', 1);\n"
                    + "const s = ctx.dim('student', event.payload.userId);\n"
                    + "return {id: event.eventId, name: s === null ? null : s.name, n: n};";

    private final ScriptRuntime runtime =
            new ScriptRuntime(
                    RuntimeOptions.defaults()
                            .withTimeout(Duration.ofMillis(100))
                            // A version's first runs (a JS context is built at the first) get a
                            // generous budget on a busy machine; the slow-lookup test warms up.
                            .withColdStartTimeout(Duration.ofSeconds(5)));
    private final MemoryStateStore states = new MemoryStateStore();
    private final RuleRunner runner = new RuleRunner(RuleRunner.WriteCheck.NONE);
    private final AtomicBoolean down = new AtomicBoolean();

    /** The student dimension: Ann for every key, or an outage while {@link #down}. */
    private final DimensionLookup dims =
            (dim, key) -> {
                if (down.get()) {
                    throw new DependencyUnavailableException(
                            "dimension '" + dim + "': connection refused", null);
                }
                return Map.of("name", "Ann");
            };

    @AfterEach
    void close() {
        runtime.close();
    }

    private RunningRule rule(Language language, String script) throws CompileException {
        RuleDefinition d =
                new RuleDefinition(new RuleId("d", "t", "main"), language, script, CONFIG, 0, true);
        return new RunningRule(
                d.id(),
                runtime.compile(d),
                0,
                new CircuitBreaker(
                        new CircuitBreaker.Settings(
                                3, 0.5, Duration.ofMinutes(1), Duration.ofMinutes(1), 1),
                        System::currentTimeMillis));
    }

    private RuleRunner.Run run(RunningRule rule, DimensionLookup lookup) throws Exception {
        return runner.run(rule, RuleHarness.sampleEvent(), states.forKey("u-1"), lookup);
    }

    @Test
    void groovyThatCatchesTheLookupsExceptionStillYieldsTheDependencyOutcome() throws Exception {
        outageIsRetriedNotBlamed(rule(Language.GROOVY, GROOVY_CATCHES));
    }

    @Test
    void javascriptThatCatchesTheLookupsExceptionStillYieldsTheDependencyOutcome()
            throws Exception {
        outageIsRetriedNotBlamed(rule(Language.JS, JS_CATCHES));
    }

    @Test
    void groovyThatLetsTheLookupFailYieldsTheDependencyOutcome() throws Exception {
        outageIsRetriedNotBlamed(rule(Language.GROOVY, GROOVY_PLAIN));
    }

    @Test
    void javascriptThatLetsTheLookupFailYieldsTheDependencyOutcome() throws Exception {
        outageIsRetriedNotBlamed(rule(Language.JS, JS_PLAIN));
    }

    /**
     * Many more runs than the breaker's threshold while the dimension is down: each one a
     * dependency outcome, none written, the breaker closed and empty, the state untouched; once the
     * dimension is back the next run counts the event once.
     */
    private void outageIsRetriedNotBlamed(RunningRule rule) throws Exception {
        down.set(true);
        for (int i = 0; i < 10; i++) {
            RuleRunner.Run r = run(rule, dims);
            assertTrue(r.dependencyUnavailable(), "run " + i + ": " + r);
            assertFalse(r.ok());
            assertNull(r.reason(), "no dead-letter reason");
            assertEquals(FailureReason.DEPENDENCY_UNAVAILABLE, r.outcome().failure().reason());
            assertTrue(r.message().contains("dimension 'student'"), r.message());
            assertEquals(List.of(), r.writes());
            assertEquals(List.of(), r.messages());
            assertEquals(CircuitBreaker.Transition.NONE, r.transition());
        }
        assertEquals(CircuitBreaker.State.CLOSED, rule.breaker().state());
        assertEquals(0, rule.breaker().failuresInWindow(), "the breaker heard of no failure");
        assertNull(states.forKey("u-1").get("seen"), "the state was rolled back every time");

        down.set(false);
        RuleRunner.Run r = run(rule, dims);
        assertTrue(r.ok(), r.toString());
        Emission.Upsert row = (Emission.Upsert) r.writes().get(0);
        assertEquals("Ann", row.row().get("name"));
        assertEquals(1, ((Number) row.row().get("n")).intValue(), "counted once");
    }

    @Test
    void aFailingStateBackendIsADependencyOutcomeInBothLanguages() throws Exception {
        JsonStateStore broken =
                new JsonStateStore() {
                    @Override
                    protected String read(String name) {
                        throw new IllegalStateException("state backend gone");
                    }

                    @Override
                    protected void write(String name, String json) {
                        throw new AssertionError("nothing may be written");
                    }
                };
        RunningRule groovy =
                rule(
                        Language.GROOVY,
                        "def v = null\ntry { v = ctx.state.get('x') } catch (e) { v = 0 }\n"
                                + "return [v: v]");
        RunningRule js =
                rule(
                        Language.JS,
                        "let v = null; try { v = ctx.state.incr('x', 1); } catch (e) { v = 0; }"
                                + " return {v: v};");
        for (RunningRule rule : List.of(groovy, js)) {
            RuleRunner.Run r = runner.run(rule, RuleHarness.sampleEvent(), broken, dims);
            assertTrue(
                    r.dependencyUnavailable(), rule.compiled().definition().language() + ": " + r);
            assertTrue(r.message().contains("state backend gone"), r.message());
            assertEquals(0, rule.breaker().failuresInWindow());
        }
    }

    /**
     * Waiting for the dimension database is not the script's time: a lookup slower than {@code
     * script.timeout} that answers is a success, not a TIMEOUT that would blame the rule.
     */
    @Test
    void aSlowLookupDoesNotCountAgainstTheScriptsTimeout() throws Exception {
        DimensionLookup slow =
                (dim, key) -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Map.of("name", "Ann");
                };
        for (RunningRule rule :
                List.of(rule(Language.GROOVY, GROOVY_PLAIN), rule(Language.JS, JS_PLAIN))) {
            for (int i = 0; i < COLD_RUNS; i++) {
                assertTrue(run(rule, dims).ok(), "warm-up run " + i); // past the cold budget
            }
            for (int i = 0; i < 4; i++) {
                RuleRunner.Run r = run(rule, slow);
                assertTrue(
                        r.ok(), rule.compiled().definition().language() + " run " + i + ": " + r);
            }
        }
    }

    /**
     * An answer the lookup holds in memory is taken without the slow path; a key it does not hold
     * goes to {@link DimensionLookup#lookup}, whose wait (longer than the timeout) is still not the
     * script's time.
     */
    @Test
    void anInMemoryAnswerSkipsTheSlowPathAndAMissStillPauses() throws Exception {
        AtomicInteger slowCalls = new AtomicInteger();
        DimensionLookup cached =
                new DimensionLookup() {
                    @Override
                    public Map<String, Object> lookup(String dim, Object key) {
                        slowCalls.incrementAndGet();
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Map.of("name", "Bob");
                    }

                    @Override
                    public Map<String, Object> lookupInMemory(String dim, Object key) {
                        if (!"student".equals(dim)) {
                            throw new IllegalArgumentException("no dimension '" + dim + "'");
                        }
                        return "u-1".equals(key) ? Map.of("name", "Ann") : NOT_IN_MEMORY;
                    }
                };
        for (Language language : List.of(Language.GROOVY, Language.JS)) {
            String read =
                    language == Language.GROOVY
                            ? "return [a: ctx.dim('student', 'u-1')?.name,"
                                    + " b: ctx.dim('student', event.payload.wrongbookId)?.name]"
                            : "const a = ctx.dim('student', 'u-1');"
                                    + " const b = ctx.dim('student', event.payload.wrongbookId);"
                                    + " return {a: a === null ? null : a.name,"
                                    + " b: b === null ? null : b.name};";
            RunningRule rule = rule(language, read);
            for (int i = 0; i < COLD_RUNS; i++) {
                assertTrue(run(rule, dims).ok(), "warm-up run " + i); // past the cold budget
            }
            slowCalls.set(0);
            RuleRunner.Run r = run(rule, cached);
            assertTrue(r.ok(), language + ": " + r);
            assertEquals(
                    Map.of("a", "Ann", "b", "Bob"),
                    ((Emission.Upsert) r.outcome().emissions().get(0)).row(),
                    language.toString());
            assertEquals(1, slowCalls.get(), language + ": only the miss went the slow way");

            RunningRule unknown =
                    rule(
                            language,
                            language == Language.GROOVY
                                    ? "return [a: ctx.dim('nope', 'u-1')]"
                                    : "return {a: ctx.dim('nope', 'u-1')};");
            Outcome o = run(unknown, cached).outcome();
            assertEquals(FailureReason.SCRIPT_ERROR, o.failure().reason(), language.toString());
            assertTrue(
                    o.failure().message().contains("no dimension 'nope'"), o.failure().message());
        }
    }

    /** A script cannot make its own failure look like an outage (which would stall the task). */
    @Test
    void aScriptCannotForgeTheDependencyOutcome() throws Exception {
        List<RuleDefinition> forgers =
                List.of(
                        forger(
                                Language.GROOVY,
                                "throw new io.rulecast.runtime.DependencyUnavailableException("
                                        + "'x', null)"),
                        forger(
                                Language.GROOVY,
                                "throw new RuntimeException('DEPENDENCY_UNAVAILABLE')"),
                        forger(
                                Language.GROOVY,
                                "throw new io.rulecast.runtime.ScriptFailure("
                                        + "io.rulecast.runtime.FailureReason.DEPENDENCY_UNAVAILABLE,"
                                        + " 'x')"),
                        forger(
                                Language.JS,
                                "const T = Java.type('io.rulecast.runtime.DependencyUnavailableException');"
                                        + " throw new T('x', null);"),
                        forger(Language.JS, "throw new Error('DEPENDENCY_UNAVAILABLE');"));
        for (RuleDefinition d : forgers) {
            RunningRule rule;
            try {
                rule = new RunningRule(d.id(), runtime.compile(d), 0, null);
            } catch (CompileException refused) {
                continue; // refused before it could run: nothing forged
            }
            RuleRunner.Run r = run(rule, dims);
            assertFalse(r.dependencyUnavailable(), d.script() + " -> " + r);
            assertNotEquals(null, r.reason(), d.script() + " is the rule's failure");
        }
    }

    /** Replay has no retry: it stops with a message naming the event, the rule and the cause. */
    @Test
    void replayStopsWithAPlainMessage() throws Exception {
        down.set(true);
        try (ReplayEngine replay =
                new ReplayEngine(
                        runtime,
                        false,
                        List.of(
                                new RuleDefinition(
                                        new RuleId("d", "t", "main"),
                                        Language.GROOVY,
                                        GROOVY_CATCHES,
                                        CONFIG,
                                        0,
                                        true)),
                        dims,
                        new KeyPath("eventId"),
                        null,
                        RuleRunner.WriteCheck.NONE,
                        io.rulecast.event.EventParser.DEFAULT_MAX_BYTES)) {
            byte[] event =
                    ("{\"eventId\":\"e-9\",\"domain\":\"d\",\"type\":\"t\",\"timestamp\":1,"
                                    + "\"payload\":{\"userId\":\"u-1\"}}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            List<String> ran = new java.util.ArrayList<>();
            DependencyUnavailableException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            DependencyUnavailableException.class,
                            () ->
                                    replay.replay(
                                            event,
                                            new ReplayEngine.Listener() {
                                                @Override
                                                public void rejected(
                                                        String id, DeadLetterReason r, String m) {
                                                    ran.add("rejected " + r);
                                                }

                                                @Override
                                                public void ran(
                                                        io.rulecast.event.BusinessEvent ev,
                                                        RunningRule rule,
                                                        String name,
                                                        RuleRunner.Run run) {
                                                    ran.add(name + " " + run);
                                                }
                                            }));
            assertTrue(
                    e.getMessage().startsWith("event e-9, rule d/t/main: ctx.dim('student')"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("replay does not retry"), e.getMessage());
            assertEquals(List.of(), ran, "nothing reported as a result of the rule");
        }
    }

    private static RuleDefinition forger(Language language, String script) {
        return new RuleDefinition(
                new RuleId("d", "t", "forger"), language, script, CONFIG, 0, true);
    }
}
