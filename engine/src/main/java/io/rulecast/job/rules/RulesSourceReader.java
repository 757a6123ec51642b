package io.rulecast.job.rules;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code routing_configs} on its own thread and hands the changes to the task thread. While
 * the database is unreachable it keeps polling with backoff and emits nothing, so the job keeps
 * running on the rules it has; {@code rulesStalenessMs} says for how long.
 */
final class RulesSourceReader implements SourceReader<RuleChange, RulesSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(RulesSourceReader.class);

    private final RulesDatabase database;
    private final RulePoller poller;
    private final ConcurrentLinkedQueue<RuleChange> pending = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private ScheduledExecutorService executor;
    private Connection connection;
    private boolean syncedSent;
    private volatile boolean closed;

    RulesSourceReader(
            SourceReaderContext context,
            RulesDatabase database,
            Duration interval,
            Duration maxBackoff) {
        this.database = database;
        this.poller = new RulePoller(this::fetch, interval, maxBackoff, System::currentTimeMillis);
        MetricGroup metrics = context.metricGroup();
        metrics.gauge("rulesStalenessMs", poller::stalenessMillis);
        metrics.gauge("rulesPollFailures", poller::failures);
        metrics.gauge("rulesRows", poller::rowCount);
    }

    @Override
    public void start() {}

    @Override
    public void addSplits(List<RulesSplit> splits) {
        if (executor == null && !splits.isEmpty()) {
            executor =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "rulecast-rules-poller");
                                t.setDaemon(true);
                                return t;
                            });
            executor.execute(this::pollOnce);
        }
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public InputStatus pollNext(ReaderOutput<RuleChange> output) {
        RuleChange change = pending.poll();
        if (change == null) {
            return InputStatus.NOTHING_AVAILABLE;
        }
        output.collect(change);
        return pending.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        synchronized (lock) {
            if (!pending.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            return available;
        }
    }

    /** Readers keep no split: the enumerator hands it out again after a restart. */
    @Override
    public List<RulesSplit> snapshotState(long checkpointId) {
        return List.of();
    }

    private void pollOnce() {
        if (closed) {
            return;
        }
        int failuresBefore = poller.consecutiveFailures();
        List<RuleChange> changes = poller.poll();
        if (changes == null) {
            closeConnection();
            if (failuresBefore == 0) {
                LOG.warn(
                        "Cannot read rules from {}: {}. Keeping the {} rules already loaded;"
                                + " retrying with backoff.",
                        database,
                        poller.lastError().toString(),
                        poller.rowCount());
            } else {
                LOG.debug("Rules database still unreachable: {}", poller.lastError().toString());
            }
        } else {
            if (failuresBefore > 0) {
                LOG.info(
                        "Rules database {} reachable again after {} failed polls.",
                        database,
                        failuresBefore);
            }
            if (!changes.isEmpty()) {
                LOG.info("{} routing_configs change(s) read from {}", changes.size(), database);
                pending.addAll(changes);
            }
            if (!syncedSent) {
                // After the whole first snapshot, so routing instances know it is complete.
                pending.add(RuleChange.synced());
                syncedSent = true;
            }
            if (!pending.isEmpty()) {
                synchronized (lock) {
                    available.complete(null);
                }
            }
        }
        if (!closed) {
            executor.schedule(this::pollOnce, poller.nextDelayMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private List<RoutingRow> fetch() throws Exception {
        if (connection == null) {
            connection = database.connect();
        }
        return RulesDatabase.readAll(connection);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (Exception ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        closeConnection();
    }
}
