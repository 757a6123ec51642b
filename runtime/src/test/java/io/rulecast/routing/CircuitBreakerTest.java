package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.routing.CircuitBreaker.State;
import io.rulecast.routing.CircuitBreaker.Transition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private long now = 1_000_000;
    private final CircuitBreaker breaker =
            new CircuitBreaker(
                    new CircuitBreaker.Settings(
                            5, 0.5, Duration.ofSeconds(10), Duration.ofSeconds(30), 2),
                    () -> now);

    @Test
    void opensWhenFailuresPassTheThresholdWithinTheWindow() {
        for (int i = 0; i < 4; i++) {
            assertTrue(breaker.allow());
            assertEquals(Transition.NONE, breaker.onFailure());
        }
        assertEquals(Transition.OPENED, breaker.onFailure());
        assertEquals(State.OPEN, breaker.state());
        assertFalse(breaker.allow());
    }

    @Test
    void failuresOutsideTheWindowAreForgotten() {
        for (int i = 0; i < 4; i++) {
            breaker.onFailure();
        }
        now += 11_000;
        assertEquals(0, breaker.failuresInWindow());
        assertEquals(Transition.NONE, breaker.onFailure());
        assertEquals(State.CLOSED, breaker.state());
    }

    @Test
    void windowSlidesBucketByBucket() {
        breaker.onFailure();
        breaker.onFailure();
        now += 5_000;
        breaker.onFailure();
        breaker.onFailure();
        now += 6_000; // the first two are now older than the window
        assertEquals(2, breaker.failuresInWindow());
        breaker.onFailure();
        breaker.onFailure();
        assertEquals(State.CLOSED, breaker.state());
        assertEquals(Transition.OPENED, breaker.onFailure());
    }

    @Test
    void rareFailuresAmongManySuccessesDoNotOpen() {
        for (int i = 0; i < 100; i++) {
            breaker.onSuccess();
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(Transition.NONE, breaker.onFailure());
        }
        assertEquals(State.CLOSED, breaker.state());
    }

    @Test
    void halfOpensAfterTheCooldownAndClosesAfterSuccesses() {
        openIt();
        now += 29_999;
        assertFalse(breaker.allow());
        now += 1;
        assertTrue(breaker.allow());
        assertEquals(State.HALF_OPEN, breaker.state());
        assertEquals(Transition.NONE, breaker.onSuccess());
        assertEquals(Transition.CLOSED, breaker.onSuccess());
        assertEquals(State.CLOSED, breaker.state());
        assertEquals(0, breaker.failuresInWindow());
    }

    @Test
    void aFailedTrialOpensItAgainForAnotherCooldown() {
        openIt();
        now += 30_000;
        assertTrue(breaker.allow());
        assertEquals(Transition.REOPENED, breaker.onFailure());
        assertFalse(breaker.allow());
        now += 30_000;
        assertTrue(breaker.allow());
    }

    @Test
    void resetClosesAndForgets() {
        openIt();
        breaker.reset();
        assertEquals(State.CLOSED, breaker.state());
        assertTrue(breaker.allow());
        assertEquals(0, breaker.callsInWindow());
    }

    private void openIt() {
        for (int i = 0; i < 5; i++) {
            breaker.onFailure();
        }
        assertEquals(State.OPEN, breaker.state());
    }
}
