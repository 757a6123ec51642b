package io.rulecast.job.rules;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One poll of the rules table at a time, with what the source needs around it: the changes since
 * the last good read, exponential backoff while reads fail, and how stale the rules are. A failed
 * read changes nothing, so the job keeps the rules it has.
 */
final class RulePoller {

    /** Reads every row of {@code routing_configs}. */
    @FunctionalInterface
    interface Fetch {
        List<RoutingRow> fetch() throws Exception;
    }

    private final Fetch fetch;
    private final long intervalMillis;
    private final long maxBackoffMillis;
    private final LongSupplier clock;
    private final RuleSnapshots snapshots;
    private final long createdAt;
    private long lastSuccess = -1;
    private long lastStart;
    private int consecutiveFailures;
    private long failures;
    private Exception lastError;

    RulePoller(Fetch fetch, Duration interval, Duration maxBackoff, LongSupplier clock) {
        this(fetch, interval, maxBackoff, clock, new RuleSnapshots());
    }

    /** A poller whose first read is compared with {@code snapshots}' rows. */
    RulePoller(
            Fetch fetch,
            Duration interval,
            Duration maxBackoff,
            LongSupplier clock,
            RuleSnapshots snapshots) {
        this.fetch = fetch;
        this.snapshots = snapshots;
        this.intervalMillis = Math.max(1, interval.toMillis());
        this.maxBackoffMillis = Math.max(intervalMillis, maxBackoff.toMillis());
        this.clock = clock;
        this.createdAt = clock.getAsLong();
    }

    /**
     * Reads the table; returns the changes, or null when the read failed (see {@link #lastError}).
     */
    List<RuleChange> poll() {
        lastStart = clock.getAsLong();
        List<RoutingRow> rows;
        try {
            rows = fetch.fetch();
        } catch (Exception e) {
            consecutiveFailures++;
            failures++;
            lastError = e;
            return null;
        }
        consecutiveFailures = 0;
        lastError = null;
        lastSuccess = clock.getAsLong();
        return snapshots.next(rows);
    }

    /**
     * Wait before the next poll. After a good read, what is left of the interval counted from that
     * read's start — so a change waits at most one interval for the read that sees it, however long
     * reads take — but at least a tenth of it; after a failed one, the interval doubled per
     * consecutive failure, capped.
     */
    long nextDelayMillis() {
        if (consecutiveFailures == 0) {
            long took = Math.max(0, clock.getAsLong() - lastStart);
            return Math.max(intervalMillis / 10, intervalMillis - took);
        }
        int shift = Math.min(consecutiveFailures, 30);
        long d = intervalMillis << shift;
        return d <= 0 || d > maxBackoffMillis ? maxBackoffMillis : d;
    }

    /**
     * Milliseconds since the rules were last read successfully (since start-up before the first
     * success): 0 means fresh as of the last poll.
     */
    long stalenessMillis() {
        long since = lastSuccess < 0 ? createdAt : lastSuccess;
        return Math.max(0, clock.getAsLong() - since);
    }

    boolean everSucceeded() {
        return lastSuccess >= 0;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    long failures() {
        return failures;
    }

    Exception lastError() {
        return lastError;
    }

    /** The ids of the rows of the last good read (before one: the rows it started from). */
    java.util.Set<Long> rowIds() {
        return snapshots.ids();
    }

    int rowCount() {
        return snapshots.size();
    }
}
