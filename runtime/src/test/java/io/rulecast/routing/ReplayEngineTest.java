package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The routing core run the way replay runs it: key, order, runner, state. */
class ReplayEngineTest {
    private final ScriptRuntime runtime = new ScriptRuntime(RuntimeOptions.defaults());
    private final List<String> out = new ArrayList<>();

    @AfterEach
    void close() {
        runtime.close();
    }

    private static RuleDefinition rule(String name, int priority, String script) {
        return new RuleDefinition(
                new RuleId("d", "t", name), Language.GROOVY, script, null, priority, true);
    }

    private ReplayEngine engine(
            String keyPath, CircuitBreaker.Settings breaker, List<RuleDefinition> rules) {
        return new ReplayEngine(
                runtime,
                false,
                rules,
                DimensionLookup.NONE,
                new KeyPath(keyPath),
                breaker,
                RuleRunner.WriteCheck.NONE,
                EventParser.DEFAULT_MAX_BYTES);
    }

    private void replay(ReplayEngine e, String id, String payload) throws Exception {
        String json =
                "{\"eventId\":\""
                        + id
                        + "\",\"domain\":\"d\",\"type\":\"t\",\"timestamp\":1,\"payload\":"
                        + payload
                        + "}";
        e.replay(
                json.getBytes(StandardCharsets.UTF_8),
                new ReplayEngine.Listener() {
                    @Override
                    public void rejected(String eventId, DeadLetterReason reason, String message) {
                        out.add(eventId + " rejected " + reason);
                    }

                    @Override
                    public void ran(
                            BusinessEvent event,
                            RunningRule rule,
                            String name,
                            RuleRunner.Run run) {
                        if (!run.ok()) {
                            out.add(event.eventId() + " " + name + " " + run.reason());
                            return;
                        }
                        for (Emission x : run.outcome().emissions()) {
                            if (x instanceof Emission.Metric m) {
                                out.add(event.eventId() + " " + name + " " + m.value());
                            }
                        }
                    }
                });
    }

    private static final String COUNT = "ctx.metric('n', ctx.state.incr('n', 1), [:]); return null";

    @Test
    void theKeyPathIndexesListsAndNumbersKeyByValue() throws Exception {
        try (ReplayEngine e = engine("payload.who.0", null, List.of(rule("main", 0, COUNT)))) {
            replay(e, "e1", "{\"who\":[7]}");
            replay(e, "e2", "{\"who\":[7.0, 1]}");
            replay(e, "e3", "{\"who\":[\"7\"]}");
            replay(e, "e4", "{\"who\":[8]}");
        }
        // 7, 7.0 and "7" are one key; before the routing core, replay could not index a list.
        assertEquals(
                List.of("e1 d/t/main 1", "e2 d/t/main 2", "e3 d/t/main 3", "e4 d/t/main 1"), out);
    }

    @Test
    void anEventWithoutAKeyIsRejectedAsTheJobDeadLettersIt() throws Exception {
        try (ReplayEngine e = engine("payload.who.0", null, List.of(rule("main", 0, COUNT)))) {
            replay(e, "e1", "{\"who\":[]}");
            replay(e, "e2", "{}");
            replay(e, "e3", "{\"who\":[null]}");
        }
        assertEquals(
                List.of("e1 rejected NO_KEY", "e2 rejected NO_KEY", "e3 rejected NO_KEY"), out);
    }

    @Test
    void rulesRunByPriorityThenNameAndSeeEachOthersState() throws Exception {
        String tag =
                "ctx.metric('seq', (ctx.state.get('s') ?: '') + '%s' == null ? 0 : 1, [:]);"
                        + " ctx.state.put('s', (ctx.state.get('s') ?: '') + '%s'); return null";
        List<RuleDefinition> rules =
                List.of(
                        rule("b", 5, "ctx.state.put('s', (ctx.state.get('s') ?: '') + 'b'); null"),
                        rule("a", 5, "ctx.state.put('s', (ctx.state.get('s') ?: '') + 'a'); null"),
                        rule("z", 9, "ctx.state.put('s', (ctx.state.get('s') ?: '') + 'z'); null"),
                        rule("y", 1, "ctx.metric(ctx.state.get('s'), 1, [:]); null"));
        RuleTable<String, RuleTable.Ranked> table = new RuleTable<>();
        for (RuleDefinition r : rules) {
            table.put(
                    r.id().name(), new RunningRule(r.id(), runtime.compile(r), r.priority(), null));
        }
        List<String> order = new ArrayList<>();
        table.rulesFor("d", "t").forEach(r -> order.add(r.ruleId().name()));
        assertEquals(List.of("z", "a", "b", "y"), order);
        List<String> names = new ArrayList<>();
        try (ReplayEngine e = engine("eventId", null, rules)) {
            e.replay(
                    ("{\"eventId\":\"e1\",\"domain\":\"d\",\"type\":\"t\",\"timestamp\":1,"
                                    + "\"payload\":{}}")
                            .getBytes(StandardCharsets.UTF_8),
                    new ReplayEngine.Listener() {
                        @Override
                        public void rejected(
                                String eventId, DeadLetterReason reason, String message) {}

                        @Override
                        public void ran(
                                BusinessEvent event,
                                RunningRule rule,
                                String name,
                                RuleRunner.Run run) {
                            run.outcome().emissions().stream()
                                    .filter(x -> x instanceof Emission.Metric)
                                    .forEach(x -> names.add(((Emission.Metric) x).name()));
                        }
                    });
        }
        assertEquals(List.of("zab"), names);
    }

    @Test
    void aRefusedWriteRollsTheStateBackAndTheBreakerOpensAsInTheJob() throws Exception {
        MemoryStateStore states = new MemoryStateStore();
        JsonStateStore state = states.forKey("k");
        RuleDefinition def = rule("w", 0, "ctx.state.incr('n', 1); ctx.upsert('t', [id: 1]); null");
        RuleRunner runner = new RuleRunner(w -> "no table t");
        CircuitBreaker breaker =
                new CircuitBreaker(
                        new CircuitBreaker.Settings(
                                2, 0.5, Duration.ofMinutes(1), Duration.ofMinutes(1), 1),
                        System::currentTimeMillis);
        RunningRule r = new RunningRule(def.id(), runtime.compile(def), 0, breaker);
        RuleRunner.Run first =
                runner.run(r, Map.of("payload", Map.of()), state, DimensionLookup.NONE);
        assertEquals(DeadLetterReason.BAD_OUTPUT, first.reason());
        assertEquals("upsert refused: no table t", first.message());
        assertNull(state.get("n"));
        RuleRunner.Run second =
                runner.run(r, Map.of("payload", Map.of()), state, DimensionLookup.NONE);
        assertEquals(CircuitBreaker.Transition.OPENED, second.transition());
        RuleRunner.Run third =
                runner.run(r, Map.of("payload", Map.of()), state, DimensionLookup.NONE);
        assertEquals(DeadLetterReason.CIRCUIT_OPEN, third.reason());
        assertFalse(third.invoked());
        assertTrue(first.invoked());
    }
}
