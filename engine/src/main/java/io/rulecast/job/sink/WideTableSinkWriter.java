package io.rulecast.job.sink;

import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.routing.DeadLetterReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers checked writes and applies them when the buffer is full, when the oldest buffered write
 * has waited the flush interval, and on {@link #flush} (before every checkpoint barrier and at end
 * of input), so a completed checkpoint means every write before its barrier is in the database —
 * or, if the database refused it, on its way to the dead-letter topic.
 *
 * <p>A write that fails the {@link TableCatalog} check here (the table changed since the routing
 * function checked it) or that the database refuses becomes a dead letter with stage {@code sink}
 * carrying the row and the reason. A refusal for the table's shape (unknown column, missing table)
 * makes the catalog read that table again before the next write, so the next writes are judged by
 * its current columns. Without a dead-letter topic, a refusal fails the task instead: no write
 * disappears.
 *
 * <p>Everything, the interval flush included, runs on the task thread (see {@link
 * WideTableSinkOperator}), except that with {@code sink.connections} above 1 a flush spreads its
 * rows over that many connections by row key and the task thread waits for all of them: a row's
 * writes stay on one connection, in order.
 */
final class WideTableSinkWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WideTableSinkWriter.class);

    /** Schedules {@code flush} on the task thread after {@code delayMs}; returns a cancel hook. */
    interface Timers {
        Runnable schedule(long delayMs, ThrowingRunnable<Exception> flush);
    }

    private final TableCatalog catalog;

    /** One per connection; a row's writes always go to the same one. */
    private final List<UpsertExecutor> executors;

    /** Runs the flushes of all executors but the first (which runs on the task thread). */
    private final ExecutorService pool;

    private final Timers timers;
    private final String deadLetterTopic;
    private final Consumer<OutputMessage> deadLetters;
    private final int batchSize;
    private final long flushIntervalMs;
    private final List<TableWrite> buffer;
    private final Counter rowsWritten;
    private final Counter rowsRejected;
    private volatile long lastFlushMillis;
    private Runnable cancelTimer;

    WideTableSinkWriter(
            WideTableSink.Settings settings,
            Timers timers,
            MetricGroup metrics,
            Consumer<OutputMessage> deadLetters) {
        this.catalog = new TableCatalog(settings.connection(), settings.allowedTables());
        this.timers = timers;
        this.deadLetterTopic = settings.deadLetterTopic();
        this.deadLetters = deadLetters;
        this.batchSize = settings.batchSize();
        this.flushIntervalMs = settings.flushIntervalMs();
        this.buffer = new ArrayList<>(Math.min(batchSize, 4096));
        this.rowsWritten = metrics.counter("rowsWritten");
        this.rowsRejected = metrics.counter("rowsRejected");
        metrics.gauge("lastFlushMillis", (Gauge<Long>) () -> lastFlushMillis);
        Counter batches = metrics.counter("batches", new ThreadSafeSimpleCounter());
        Counter retries = metrics.counter("retries", new ThreadSafeSimpleCounter());
        List<UpsertExecutor> list = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            list.add(
                    new UpsertExecutor(
                            settings.connection().withBatchRewrite(),
                            settings.maxRetries(),
                            settings.retryBackoffMs(),
                            batches,
                            retries,
                            this::columnTypes));
        }
        this.executors = List.copyOf(list);
        this.pool =
                executors.size() == 1
                        ? null
                        : Executors.newFixedThreadPool(
                                executors.size() - 1,
                                r -> {
                                    Thread t = new Thread(r, "wide-table sink writer");
                                    t.setDaemon(true);
                                    return t;
                                });
    }

    private Map<String, String> columnTypes(String table) {
        TableSchema s = catalog.schema(table);
        return s == null ? Map.of() : s.columnTypes();
    }

    void write(TableWrite w) throws IOException, InterruptedException {
        String reason = catalog.checkAgainstDatabase(w);
        if (reason != null) {
            // The routing function checks too; reaching this means the schema changed in between.
            deadLetter(w, DeadLetterReason.BAD_OUTPUT, describe(w) + " refused: " + reason);
            return;
        }
        buffer.add(w);
        if (buffer.size() >= batchSize) {
            flush();
        } else if (cancelTimer == null && flushIntervalMs > 0) {
            cancelTimer =
                    timers.schedule(
                            flushIntervalMs,
                            () -> {
                                cancelTimer = null;
                                flush();
                            });
        }
    }

    void flush() throws IOException, InterruptedException {
        if (cancelTimer != null) {
            cancelTimer.run();
            cancelTimer = null;
        }
        if (buffer.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        List<UpsertExecutor.Result> results = execute(spread(buffer));
        buffer.clear();
        List<UpsertExecutor.Refused> refused = new ArrayList<>();
        for (UpsertExecutor.Result result : results) {
            rowsWritten.inc(result.applied());
            refused.addAll(result.refused());
        }
        for (UpsertExecutor.Refused r : refused) {
            if (r.schemaChanged()) {
                catalog.refresh(r.write().table());
            }
            deadLetter(
                    r.write(),
                    DeadLetterReason.SINK_REFUSED,
                    "the database refused the "
                            + describe(r.write())
                            + ": "
                            + r.error().getMessage());
        }
        lastFlushMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /** The buffer split by row key over the connections, each part in buffer order. */
    private List<List<TableWrite>> spread(List<TableWrite> writes) {
        int n = executors.size();
        if (n == 1) {
            return List.of(writes);
        }
        List<List<TableWrite>> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            parts.add(new ArrayList<>(writes.size() / n + 16));
        }
        for (TableWrite w : writes) {
            String key =
                    TableWriteKeySelector.rowKey(w.table(), catalog.primaryKey(w.table()), w.row());
            parts.get(Math.floorMod(key.hashCode(), n)).add(w);
        }
        return parts;
    }

    /**
     * Writes each part on its own connection, all at once, and waits for every one. Parts are
     * committed separately: if one fails after another committed, the task fails and the replay
     * from the checkpoint writes both again, which the idempotent upserts allow.
     */
    private List<UpsertExecutor.Result> execute(List<List<TableWrite>> parts)
            throws IOException, InterruptedException {
        if (parts.size() == 1) {
            List<UpsertPlan.Batch> plan = UpsertPlan.of(parts.get(0), catalog::primaryKey);
            return List.of(executors.get(0).execute(plan));
        }
        List<Future<UpsertExecutor.Result>> others = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            UpsertExecutor executor = executors.get(i);
            List<UpsertPlan.Batch> plan = UpsertPlan.of(parts.get(i), catalog::primaryKey);
            others.add(pool.submit(() -> executor.execute(plan)));
        }
        List<UpsertExecutor.Result> results = new ArrayList<>();
        Exception failure = null;
        try {
            results.add(executors.get(0).execute(UpsertPlan.of(parts.get(0), catalog::primaryKey)));
        } catch (IOException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            others.forEach(f -> f.cancel(true));
            throw e;
        }
        for (Future<UpsertExecutor.Result> f : others) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure =
                            cause instanceof Exception ex
                                    ? ex
                                    : new IOException("a sink connection failed", cause);
                }
            } catch (InterruptedException e) {
                others.forEach(o -> o.cancel(true));
                throw e;
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof InterruptedException ie) {
            throw ie;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
        return results;
    }

    private void deadLetter(TableWrite w, DeadLetterReason reason, String message)
            throws IOException {
        if (deadLetters == null || deadLetterTopic == null) {
            throw new IOException(
                    message
                            + " (rule "
                            + w.rule()
                            + ", event "
                            + w.eventId()
                            + "); the sink has no dead-letter topic, so it fails rather than drop"
                            + " the write");
        }
        rowsRejected.inc();
        LOG.warn(
                "dead-lettered a {} of rule {} version {} for event {}: {}",
                w.kind(),
                w.rule(),
                w.version(),
                w.eventId(),
                message);
        deadLetters.accept(
                Messages.sinkDeadLetter(
                        deadLetterTopic,
                        reason,
                        message,
                        w.kind().name().toLowerCase(Locale.ROOT),
                        w.table(),
                        w.row(),
                        w.rule(),
                        w.version(),
                        w.eventId(),
                        System.currentTimeMillis()));
    }

    private static String describe(TableWrite w) {
        return (w.kind() == TableWrite.Kind.UPSERT ? "upsert into " : "delete from ") + w.table();
    }

    @Override
    public void close() {
        if (cancelTimer != null) {
            cancelTimer.run();
            cancelTimer = null;
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        executors.forEach(UpsertExecutor::close);
    }
}
