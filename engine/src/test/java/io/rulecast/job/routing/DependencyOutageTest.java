package io.rulecast.job.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.RuleRunner;
import io.rulecast.runtime.DependencyUnavailableException;
import io.rulecast.runtime.Failure;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The routing function's wait for a dependency, on a fake clock. */
class DependencyOutageTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Long> pauses = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private Integer waitingSeenWhileAsleep;

    private final UnregisteredMetricsGroup group =
            new UnregisteredMetricsGroup() {
                @Override
                public Counter counter(String name) {
                    Counter c = super.counter(name);
                    metrics.add(c);
                    return c;
                }

                @Override
                public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
                    metrics.add(gauge);
                    return gauge;
                }
            };

    private DependencyOutage outage(Duration maxWait) {
        return new DependencyOutage(
                maxWait,
                "routing subtask 0",
                group,
                now::get,
                ms -> {
                    pauses.add(ms);
                    waitingSeenWhileAsleep = (Integer) ((Gauge<?>) metrics.get(1)).getValue();
                    now.addAndGet(ms);
                });
    }

    private static RuleRunner.Run unavailable() {
        return new RuleRunner.Run(
                Outcome.failed(
                        new Failure(
                                FailureReason.DEPENDENCY_UNAVAILABLE,
                                "ctx.dim('student'): connection refused"),
                        List.of(),
                        0),
                null,
                "ctx.dim('student'): connection refused",
                List.of(),
                List.of(),
                CircuitBreaker.Transition.NONE);
    }

    private static RuleRunner.Run ok() {
        return new RuleRunner.Run(
                Outcome.success(List.of(), List.of(), 0),
                null,
                null,
                List.of(),
                List.of(),
                CircuitBreaker.Transition.NONE);
    }

    @Test
    void retriesWithGrowingPausesUntilTheDependencyIsBack() throws Exception {
        DependencyOutage o = outage(Duration.ofSeconds(60));
        RuleRunner.Run back = ok();
        AtomicInteger calls = new AtomicInteger();
        RuleRunner.Run r =
                o.run("d/t/main", () -> calls.incrementAndGet() <= 7 ? unavailable() : back);
        assertSame(back, r);
        assertEquals(8, calls.get(), "the first run and 7 retries");
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1600L, 2000L), pauses);
        assertEquals(7L, ((Counter) metrics.get(0)).getCount(), "dependencyRetries");
        assertEquals(1, waitingSeenWhileAsleep, "dependencyUnavailable while waiting");
        assertEquals(0, ((Gauge<?>) metrics.get(1)).getValue(), "and 0 once it is back");
    }

    @Test
    void aRunThatIsNotAnOutageComesBackAtOnce() throws Exception {
        RuleRunner.Run first = ok();
        assertSame(first, outage(Duration.ofSeconds(60)).run("d/t/main", () -> first));
        assertEquals(List.of(), pauses);
    }

    @Test
    void failsOverOnceTheOutageOutlastsTheBound() {
        DependencyOutage o = outage(Duration.ofSeconds(5));
        DependencyUnavailableException e =
                assertThrows(
                        DependencyUnavailableException.class,
                        () -> o.run("d/t/main", DependencyOutageTest::unavailable));
        assertTrue(e.getMessage().contains("dims.outage.max-wait"), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertEquals(5000L, pauses.stream().mapToLong(Long::longValue).sum(), "waited the bound");
        assertEquals(0, ((Gauge<?>) metrics.get(1)).getValue());
    }
}
