package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A rollout candidate beside its live version, as the routing core runs it for job and replay. */
class CandidateRunnerTest {
    private static final RuleId ID = new RuleId("d", "t", "main");

    /** Counts per key in state and reports the count. */
    private static final String COUNT =
            "def n = ctx.state.incr('n', 1)\nctx.upsert('wide', [id: event.eventId, n: n])\nnull";

    private final ScriptRuntime runtime = new ScriptRuntime(RuntimeOptions.defaults());
    private final List<String> live = new ArrayList<>();
    private final List<CandidateRunner.Shadow> shadows = new ArrayList<>();

    @AfterEach
    void close() {
        runtime.close();
    }

    private static RuleDefinition def(String script) {
        return new RuleDefinition(ID, Language.GROOVY, script, null, 0, true);
    }

    private ReplayEngine engine(String liveScript, String candidateScript) throws Exception {
        ReplayEngine e =
                new ReplayEngine(
                        runtime,
                        false,
                        List.of(def(liveScript)),
                        DimensionLookup.NONE,
                        new KeyPath("payload.user"),
                        null,
                        RuleRunner.WriteCheck.NONE,
                        EventParser.DEFAULT_MAX_BYTES);
        e.shadow(def(candidateScript));
        return e;
    }

    private void replay(ReplayEngine e, String id, String user, int x) throws Exception {
        String json =
                "{\"eventId\":\"%s\",\"domain\":\"d\",\"type\":\"t\",\"timestamp\":1,\"payload\":{\"user\":\"%s\",\"x\":%d}}"
                        .formatted(id, user, x);
        e.replay(
                json.getBytes(StandardCharsets.UTF_8),
                new ReplayEngine.Listener() {
                    @Override
                    public void rejected(String eventId, DeadLetterReason r, String message) {}

                    @Override
                    public void ran(
                            BusinessEvent ev, RunningRule rule, String n, RuleRunner.Run run) {
                        for (Emission w : run.writes()) {
                            live.add(ev.eventId() + " " + ((Emission.Upsert) w).row().get("n"));
                        }
                    }

                    @Override
                    public void shadowed(BusinessEvent ev, String n, CandidateRunner.Shadow s) {
                        shadows.add(s);
                    }
                });
    }

    @Test
    void theSameLogicNeverDiffersAlthoughTheLiveRunAlreadyWroteTheState() throws Exception {
        try (ReplayEngine e = engine(COUNT, COUNT.replace("[id:", "[ id :"))) {
            for (int i = 0; i < 5; i++) {
                replay(e, "e" + i, "u1", i);
            }
        }
        assertEquals(5, shadows.size());
        // The candidate saw the state before the live run: n equal, and its own incr not applied.
        assertEquals(
                0,
                shadows.stream().filter(CandidateRunner.Shadow::differing).count(),
                "events whose candidate outputs differ");
        assertEquals(List.of("e0 1", "e1 2", "e2 3", "e3 4", "e4 5"), live);
    }

    @Test
    void onlyTheEventsWhoseOutputsDifferYieldARecordAndTheCandidateWritesNoState()
            throws Exception {
        String candidate =
                "def n = ctx.state.incr('n', 1)\n"
                        + "ctx.upsert('wide', [id: event.eventId, n: event.payload.x % 3 == 0 ? n + 100 : n])\n"
                        + "null";
        try (ReplayEngine e = engine(COUNT, candidate)) {
            for (int i = 0; i < 6; i++) {
                replay(e, "e" + i, "u1", i);
            }
        }
        // Live state counts 1..6: the candidate's incr is never applied (else 1, 3, 5, ...).
        assertEquals(List.of("e0 1", "e1 2", "e2 3", "e3 4", "e4 5", "e5 6"), live);
        List<String> differing = new ArrayList<>();
        for (CandidateRunner.Shadow s : shadows) {
            if (s.differing()) {
                differing.add((String) s.record().get("eventId"));
            }
        }
        assertEquals(List.of("e0", "e3"), differing);
        Map<String, Object> r = shadows.get(3).record();
        assertEquals(
                List.of("rule", "eventId", "liveVersion", "candidateVersion", "live", "candidate"),
                new ArrayList<>(r.keySet()));
        assertEquals("d/t/main", r.get("rule"));
        assertFalse(r.get("liveVersion").equals(r.get("candidateVersion")));
        assertEquals(
                "[{\"eventId\":\"e3\",\"rule\":\"d/t/main\",\"kind\":\"upsert\",\"table\":\"wide\",\"row\":{\"id\":\"e3\",\"n\":104}}]",
                io.rulecast.event.Json.write(r.get("candidate")));
    }

    @Test
    void numbersCompareByValueAndFailureMessagesAreIgnored() throws Exception {
        String a =
                "ctx.upsert('wide', [id: 'x', v: 5]); if (event.payload.x == 1) throw new RuntimeException('a'); null";
        String b =
                "ctx.upsert('wide', [id: 'x', v: 5.0]); if (event.payload.x == 1) throw new RuntimeException('b'); null";
        try (ReplayEngine e = engine(a, b)) {
            replay(e, "e0", "u1", 0);
            replay(e, "e1", "u1", 1);
        }
        assertEquals(2, shadows.size());
        assertTrue(
                shadows.stream().noneMatch(CandidateRunner.Shadow::differing), shadows::toString);
        assertFalse(shadows.get(1).run().ok());
    }

    @Test
    void aFailureRateAboveTheLimitAbortsAfterTheMinimumOfInvocations() {
        Rollout r = rollout(Rollout.Mode.SHADOW, null);
        Rollout.Settings limits = new Rollout.Settings(0.05, 20);
        String reason = null;
        int n = 0;
        // one failure in 19: not yet judged; the 20th run succeeds: 1/20 = 5 %, not above
        for (; n < 20; n++) {
            reason = r.record(run(n == 3), limits);
            assertNull(reason, "run " + n);
        }
        reason = r.record(run(true), limits); // 2/21 > 5 %
        assertNotNull(reason);
        assertTrue(r.aborted());
        assertFalse(r.shadows());
        assertNull(r.record(run(true), limits), "an aborted rollout reports once");
    }

    @Test
    void theCandidatesBreakerOpeningAbortsIt() {
        Rollout r = rollout(Rollout.Mode.SHADOW, null);
        RuleRunner.Run opened =
                new RuleRunner.Run(
                        null,
                        DeadLetterReason.CIRCUIT_OPEN,
                        "x",
                        List.of(),
                        List.of(),
                        CircuitBreaker.Transition.OPENED);
        assertNotNull(r.record(opened, Rollout.Settings.DEFAULTS));
        assertTrue(r.aborted());
    }

    @Test
    void aCanaryServesAStableShareOfKeysAndStopsWhenAborted() throws Exception {
        Rollout canary = rollout(Rollout.Mode.CANARY, 30.0);
        CandidateRunner c = new CandidateRunner(new RuleRunner(null), Rollout.Settings.DEFAULTS);
        RunningRule liveRule = canary.candidate(); // any rule stands for the live one here
        int served = 0;
        for (int i = 0; i < 10_000; i++) {
            String key = "k" + i;
            boolean s = canary.serves(key);
            assertEquals(s, canary.serves(key));
            assertEquals(s, CanarySplit.servesCandidate("d/t/main", key, 30.0));
            served += s ? 1 : 0;
        }
        assertTrue(served > 2700 && served < 3300, "served " + served);
        assertFalse(canary.shadows());
        Rollout wider = canary.withPercent(50.0);
        assertTrue(wider.serves(firstServed(canary)));
        for (int i = 0; i < 25; i++) {
            canary.record(run(true), Rollout.Settings.DEFAULTS);
        }
        assertTrue(wider.aborted(), "a new percent keeps the abort state");
        assertFalse(canary.serves(firstServed(wider)));
        assertSame(liveRule, c.serving(liveRule, null, "k1"));
    }

    private static String firstServed(Rollout r) {
        for (int i = 0; ; i++) {
            if (CanarySplit.servesCandidate("d/t/main", "k" + i, r.percent())) {
                return "k" + i;
            }
        }
    }

    private Rollout rollout(Rollout.Mode mode, Double percent) {
        try {
            RunningRule c = new RunningRule(ID, runtime.compile(def("null")), 0, null);
            return new Rollout(c, mode, percent == null ? 0 : percent, "base");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static RuleRunner.Run run(boolean failed) {
        return new RuleRunner.Run(
                Outcome.success(List.of(), List.of(), 1),
                failed ? DeadLetterReason.SCRIPT_ERROR : null,
                null,
                List.of(),
                List.of(),
                CircuitBreaker.Transition.NONE);
    }
}
