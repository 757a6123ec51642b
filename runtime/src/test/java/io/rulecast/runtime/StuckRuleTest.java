package io.rulecast.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.spi.CompiledScript;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A rule whose thread stays in a call that ignores cancellation — here a busy loop in Java, which
 * neither checks the guard nor can be interrupted — is counted as stuck once it has been there 10 ×
 * its timeout, while it is there, and its outcome says so.
 */
class StuckRuleTest {
    private static final Duration TIMEOUT = Duration.ofMillis(50);

    /** A script that spins for {@code millis} without looking at the guard. */
    private static CompiledScript spinning(long millis, AtomicReference<Guard> guard) {
        return (event, ctx) -> {
            guard.set(Guard.current());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            return null;
        };
    }

    private static CompiledRule rule(CompiledScript script) {
        return new CompiledRule(
                new RuleDefinition(new RuleId("test", "stuck", "main"), Language.GROOVY, "", null),
                script,
                Map.of(),
                RuntimeOptions.defaults().withTimeout(TIMEOUT),
                // past the cold runs: the plain timeout applies
                new AtomicInteger(CompiledRule.COLD_RUNS));
    }

    @Test
    void aThreadInAnUncancellableCallIsCountedStuckWhileItIsThere() throws Exception {
        long totalBefore = Guard.stuckTotal();
        int nowBefore = Guard.stuckNow();
        AtomicReference<Guard> guard = new AtomicReference<>();
        // 30 × the timeout: stuck after 10 ×, for the remaining 20 ×.
        CompiledRule rule = rule(spinning(30 * TIMEOUT.toMillis(), guard));
        RuleHarness.MemoryState state = new RuleHarness.MemoryState();
        CompletableFuture<Outcome> run =
                CompletableFuture.supplyAsync(
                        () -> rule.invoke(RuleHarness.sampleEvent(), state, (d, k) -> null));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Guard.stuckNow() == nowBefore) {
            assertFalse(run.isDone(), "the invocation ended before it was counted as stuck");
            assertTrue(System.nanoTime() < deadline, "never counted as stuck");
            Thread.sleep(5);
        }
        assertEquals(nowBefore + 1, Guard.stuckNow());
        assertTrue(guard.get().stuckNowHere(), "the task thread's guard says stuck");
        assertEquals(totalBefore + 1, Guard.stuckTotal());

        Outcome o = run.get(10, TimeUnit.SECONDS);
        assertTrue(o.stuck(), "the outcome says stuck");
        assertEquals(FailureReason.TIMEOUT, o.failure().reason());
        assertTrue(o.nanos() >= 30 * TIMEOUT.toNanos(), "ran " + o.nanos() / 1_000_000 + " ms");
        assertEquals(nowBefore, Guard.stuckNow(), "no longer stuck once the call ended");
        assertFalse(guard.get().stuckNowHere());
        assertEquals(totalBefore + 1, Guard.stuckTotal(), "counted once per invocation");
    }

    @Test
    void aCallThatOverrunsByLessThanTheFactorIsNotStuck() throws Exception {
        long totalBefore = Guard.stuckTotal();
        AtomicReference<Guard> guard = new AtomicReference<>();
        // Cancelled at 1 ×, ends at 4 ×: a timeout, not a stuck thread.
        Outcome o =
                rule(spinning(4 * TIMEOUT.toMillis(), guard))
                        .invoke(
                                RuleHarness.sampleEvent(),
                                new RuleHarness.MemoryState(),
                                (d, k) -> null);
        assertEquals(FailureReason.TIMEOUT, o.failure().reason());
        assertFalse(o.stuck());
        assertEquals(totalBefore, Guard.stuckTotal());
    }
}
