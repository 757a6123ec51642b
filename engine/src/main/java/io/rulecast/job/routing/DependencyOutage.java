package io.rulecast.job.routing;

import io.rulecast.routing.RuleRunner;
import io.rulecast.runtime.DependencyUnavailableException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits out an outage of a dependency of {@code ctx} (the dimension database, the state backend),
 * the way the sink waits out its database: a rule run that ended {@linkplain
 * RuleRunner.Run#dependencyUnavailable() dependency unavailable} is run again, with a growing
 * pause, on the task thread. The task holds its event meanwhile, so the job back-pressures instead
 * of dead-lettering events or opening the rule's breaker; checkpoints wait too. If the dependency
 * is still away after {@code dims.outage.max-wait}, it throws: the job fails over and restarts from
 * its last checkpoint, so nothing is lost either way.
 *
 * <p>One WARN when an outage starts and one INFO when it ends (not one per event); metrics {@code
 * dependencyRetries} (counter) and {@code dependencyUnavailable} (gauge, 1 while waiting).
 */
final class DependencyOutage {
    private static final Logger LOG = LoggerFactory.getLogger(DependencyOutage.class);

    static final long FIRST_PAUSE_MS = 50;
    static final long MAX_PAUSE_MS = 2000;

    /** One rule run over the current event. */
    @FunctionalInterface
    interface Attempt {
        RuleRunner.Run run() throws Exception;
    }

    /** Pauses the task thread; a test may pass its own. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Duration maxWait;
    private final String where;
    private final LongSupplier clockMillis;
    private final Sleeper sleeper;
    private final Counter retries;
    private volatile boolean waiting;

    DependencyOutage(Duration maxWait, String where, MetricGroup metrics) {
        this(maxWait, where, metrics, System::currentTimeMillis, Thread::sleep);
    }

    DependencyOutage(
            Duration maxWait,
            String where,
            MetricGroup metrics,
            LongSupplier clockMillis,
            Sleeper sleeper) {
        this.maxWait = maxWait;
        this.where = where;
        this.clockMillis = clockMillis;
        this.sleeper = sleeper;
        this.retries = metrics.counter("dependencyRetries");
        metrics.gauge("dependencyUnavailable", () -> waiting ? 1 : 0);
    }

    /** Whether the task is waiting for a dependency now. */
    boolean waiting() {
        return waiting;
    }

    /**
     * Runs {@code attempt} until it gives anything but a dependency outage; returns that run.
     *
     * @throws DependencyUnavailableException when the dependency stays away longer than {@code
     *     dims.outage.max-wait} (the job fails over)
     * @throws InterruptedException when the task is cancelled while it waits
     */
    RuleRunner.Run run(String rule, Attempt attempt) throws Exception {
        RuleRunner.Run r = attempt.run();
        if (!r.dependencyUnavailable()) {
            return r;
        }
        long start = clockMillis.getAsLong();
        long limit = maxWait.toMillis();
        long pause = FIRST_PAUSE_MS;
        int attempts = 0;
        waiting = true;
        LOG.warn(
                "{}: a dependency is unavailable ({}, rule {}): holding the event and retrying for"
                        + " up to {} (dims.outage.max-wait), then failing over to the last"
                        + " checkpoint; the job back-pressures meanwhile",
                where,
                r.message(),
                rule,
                maxWait);
        try {
            while (true) {
                long waited = clockMillis.getAsLong() - start;
                if (waited >= limit) {
                    LOG.error(
                            "{}: a dependency has been unavailable for {} ms ({} retries), longer"
                                    + " than dims.outage.max-wait ({}): failing over",
                            where,
                            waited,
                            attempts,
                            maxWait);
                    throw new DependencyUnavailableException(
                            where
                                    + ": a dependency of rule "
                                    + rule
                                    + " has been unavailable for "
                                    + waited
                                    + " ms, longer than dims.outage.max-wait ("
                                    + maxWait
                                    + "); the job restarts from its last checkpoint. Last error: "
                                    + r.message(),
                            null);
                }
                sleeper.sleep(Math.min(pause, limit - waited));
                pause = Math.min(pause * 2, MAX_PAUSE_MS);
                retries.inc();
                attempts++;
                r = attempt.run();
                if (!r.dependencyUnavailable()) {
                    LOG.info(
                            "{}: the dependency is back after {} ms and {} retries; rule {} runs"
                                    + " again",
                            where,
                            clockMillis.getAsLong() - start,
                            attempts,
                            rule);
                    return r;
                }
            }
        } finally {
            waiting = false;
        }
    }
}
