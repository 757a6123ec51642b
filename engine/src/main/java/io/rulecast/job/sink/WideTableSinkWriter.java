package io.rulecast.job.sink;

import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
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
 * WideTableSinkOperator}).
 */
final class WideTableSinkWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WideTableSinkWriter.class);

    /** Schedules {@code flush} on the task thread after {@code delayMs}; returns a cancel hook. */
    interface Timers {
        Runnable schedule(long delayMs, ThrowingRunnable<Exception> flush);
    }

    private final TableCatalog catalog;
    private final UpsertExecutor executor;
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
        this.executor =
                new UpsertExecutor(
                        settings.connection().withBatchRewrite(),
                        settings.maxRetries(),
                        settings.retryBackoffMs(),
                        metrics.counter("batches"),
                        metrics.counter("retries"),
                        this::columnTypes);
    }

    private Map<String, String> columnTypes(String table) {
        TableSchema s = catalog.schema(table);
        return s == null ? Map.of() : s.columnTypes();
    }

    void write(TableWrite w) throws IOException, InterruptedException {
        String reason = catalog.checkAgainstDatabase(w);
        if (reason != null) {
            // The routing function checks too; reaching this means the schema changed in between.
            deadLetter(w, Messages.BAD_OUTPUT, describe(w) + " refused: " + reason);
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
        List<UpsertPlan.Batch> plan = UpsertPlan.of(buffer, catalog::primaryKey);
        UpsertExecutor.Result result = executor.execute(plan);
        buffer.clear();
        rowsWritten.inc(result.applied());
        for (UpsertExecutor.Refused r : result.refused()) {
            if (r.schemaChanged()) {
                catalog.refresh(r.write().table());
            }
            deadLetter(
                    r.write(),
                    Messages.SINK_REFUSED,
                    "the database refused the "
                            + describe(r.write())
                            + ": "
                            + r.error().getMessage());
        }
        lastFlushMillis = (System.nanoTime() - start) / 1_000_000;
    }

    private void deadLetter(TableWrite w, String reason, String message) throws IOException {
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
        executor.close();
    }
}
