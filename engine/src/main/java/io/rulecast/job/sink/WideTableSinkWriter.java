package io.rulecast.job.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers checked writes and applies them when the buffer is full, when the oldest buffered write
 * has waited the flush interval, and on {@link #flush} (every checkpoint and at end of input), so a
 * completed checkpoint means every write before its barrier is in the database.
 *
 * <p>Everything, the interval flush included, runs on the task thread: the flush timer is a
 * processing-time timer, whose callback Flink runs in the task's mailbox, never concurrently with
 * {@link #write} or {@link #flush}.
 */
final class WideTableSinkWriter implements SinkWriter<TableWrite> {
    private static final Logger LOG = LoggerFactory.getLogger(WideTableSinkWriter.class);

    private final TableCatalog catalog;
    private final UpsertExecutor executor;
    private final ProcessingTimeService time;
    private final int batchSize;
    private final long flushIntervalMs;
    private final List<TableWrite> buffer;
    private final Counter rowsWritten;
    private final Counter rowsRejected;
    private final Counter recordsSend;
    private final Counter recordsSendErrors;
    private volatile long lastFlushMillis;
    private ScheduledFuture<?> timer;

    WideTableSinkWriter(
            WideTableSink.Settings settings,
            ProcessingTimeService time,
            SinkWriterMetricGroup metrics) {
        this.catalog = new TableCatalog(settings.connection(), settings.allowedTables());
        this.time = time;
        this.batchSize = settings.batchSize();
        this.flushIntervalMs = settings.flushIntervalMs();
        this.buffer = new ArrayList<>(Math.min(batchSize, 4096));
        this.rowsWritten = metrics.counter("rowsWritten");
        this.rowsRejected = metrics.counter("rowsRejected");
        this.recordsSend = metrics.getNumRecordsSendCounter();
        this.recordsSendErrors = metrics.getNumRecordsSendErrorsCounter();
        Gauge<Long> flushLatency = () -> lastFlushMillis;
        metrics.gauge("lastFlushMillis", flushLatency);
        metrics.setCurrentSendTimeGauge(flushLatency);
        this.executor =
                new UpsertExecutor(
                        settings.connection().withBatchRewrite(),
                        settings.maxRetries(),
                        settings.retryBackoffMs(),
                        metrics.counter("batches"),
                        metrics.counter("retries"),
                        this::rejected);
    }

    @Override
    public void write(TableWrite w, Context context) throws IOException, InterruptedException {
        String reason = catalog.check(w);
        if (reason != null) {
            // The routing function checks too; reaching this means the schema changed in between.
            rejected(w, reason);
            return;
        }
        buffer.add(w);
        if (buffer.size() >= batchSize) {
            flushBuffer();
        } else if (timer == null && flushIntervalMs > 0) {
            timer =
                    time.registerTimer(
                            time.getCurrentProcessingTime() + flushIntervalMs,
                            t -> {
                                timer = null;
                                flushBuffer();
                            });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (buffer.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        List<UpsertPlan.Batch> plan = UpsertPlan.of(buffer, catalog::primaryKey);
        int applied = executor.execute(plan);
        rowsWritten.inc(applied);
        recordsSend.inc(applied);
        buffer.clear();
        lastFlushMillis = (System.nanoTime() - start) / 1_000_000;
    }

    private void rejected(TableWrite w, String reason) {
        rowsRejected.inc();
        recordsSendErrors.inc();
        LOG.warn(
                "dropped a {} of rule {} version {} for event {}: {}",
                w.kind(),
                w.rule(),
                w.version(),
                w.eventId(),
                reason);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        executor.close();
    }
}
