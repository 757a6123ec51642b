package io.rulecast.job.rules;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
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
 *
 * <p>The task thread keeps the rows it has emitted and checkpoints them in the split. A reader
 * restored with such a split starts its poller from those rows, so its first read yields what
 * changed since the checkpoint (a deleted row as a delete), and marks {@link
 * RuleChange.Kind#SYNCED} after that read — or, if the database cannot be read, after the first
 * failed attempt: the restored rules are then all there is.
 */
final class RulesSourceReader implements SourceReader<RuleChange, RulesSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(RulesSourceReader.class);

    private final JdbcConnectionSpec database;
    private final Duration interval;
    private final Duration maxBackoff;
    private final ConcurrentLinkedQueue<RuleChange> pending = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();

    /** What this reader (or the one it was restored from) emitted, by id. Task thread only. */
    private final TreeMap<Long, RoutingRow> emitted = new TreeMap<>();

    private boolean hasSplit;
    private boolean restored;
    private volatile RulePoller poller;
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private ScheduledExecutorService executor;
    private Connection connection;
    private boolean syncedSent;
    private volatile boolean closed;

    RulesSourceReader(
            SourceReaderContext context,
            JdbcConnectionSpec database,
            Duration interval,
            Duration maxBackoff) {
        this.database = database;
        this.interval = interval;
        this.maxBackoff = maxBackoff;
        MetricGroup metrics = context.metricGroup();
        metrics.gauge("rulesStalenessMs", () -> poller == null ? 0L : poller.stalenessMillis());
        metrics.gauge("rulesPollFailures", () -> poller == null ? 0L : poller.failures());
        metrics.gauge("rulesRows", () -> poller == null ? 0 : poller.rowCount());
    }

    @Override
    public void start() {}

    @Override
    public void addSplits(List<RulesSplit> splits) {
        if (hasSplit || splits.isEmpty()) {
            return;
        }
        hasSplit = true;
        RulesSplit split = splits.get(0);
        RuleSnapshots snapshots = new RuleSnapshots();
        if (split.hasState()) {
            restored = true;
            split.emittedRows().forEach(r -> emitted.put(r.id(), r));
            snapshots = new RuleSnapshots(split.emittedRows());
            LOG.info(
                    "Rules source restored with the {} rows it had emitted; its first read of {}"
                            + " emits what changed since the checkpoint.",
                    emitted.size(),
                    database);
        }
        poller =
                new RulePoller(
                        this::fetch, interval, maxBackoff, System::currentTimeMillis, snapshots);
        executor =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "rulecast-rules-poller");
                            t.setDaemon(true);
                            return t;
                        });
        executor.execute(this::pollOnce);
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public InputStatus pollNext(ReaderOutput<RuleChange> output) {
        RuleChange change = pending.poll();
        if (change == null) {
            return InputStatus.NOTHING_AVAILABLE;
        }
        switch (change.kind()) {
            case UPSERT -> emitted.put(change.row().id(), change.row());
            case DELETE -> emitted.remove(change.row().id());
            case SYNCED -> {}
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

    /**
     * The split with the rows emitted so far: exactly what the routing instances have received
     * before this checkpoint's barrier (changes still queued are read again after a restore).
     */
    @Override
    public List<RulesSplit> snapshotState(long checkpointId) {
        if (!hasSplit) {
            return List.of();
        }
        return List.of(RulesSplit.emitted(new ArrayList<>(emitted.values())));
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
            if (restored && !syncedSent) {
                // The restored rules are consistent with the checkpoint, and all there is until
                // the database answers: do not keep the routing instances waiting for it.
                LOG.warn(
                        "Rules database unreachable after a restore: running the {} rules of the"
                                + " checkpoint until it answers.",
                        poller.rowCount());
                markSynced();
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
                // After the whole first read, so routing instances know it is complete.
                markSynced();
            }
            if (!pending.isEmpty()) {
                signal();
            }
        }
        if (!closed) {
            executor.schedule(this::pollOnce, poller.nextDelayMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * After the changes of a read: the marker carries the ids of that read's rows (or, when the
     * database was unreachable after a restore, of the restored rows), so a routing instance can
     * drop whatever else it restored, whether this read sent differences or every row.
     */
    private void markSynced() {
        pending.add(RuleChange.synced(poller.rowIds()));
        syncedSent = true;
        signal();
    }

    private void signal() {
        synchronized (lock) {
            available.complete(null);
        }
    }

    private List<RoutingRow> fetch() throws Exception {
        if (connection == null) {
            connection = RulesDatabase.connect(database);
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
