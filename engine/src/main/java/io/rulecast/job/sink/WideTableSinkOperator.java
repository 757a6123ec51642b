package io.rulecast.job.sink;

import io.rulecast.job.output.OutputMessage;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * The wide-table sink as an operator, so that the writes it cannot apply leave it as dead letters
 * (its output) for the job's Kafka sink, under the same delivery guarantee as every other dead
 * letter. It flushes in {@link #prepareSnapshotPreBarrier}, as Flink's sink writers do: the rows
 * before a barrier are in the database, and their dead letters ahead of the barrier, before the
 * checkpoint can complete.
 */
final class WideTableSinkOperator extends AbstractStreamOperator<OutputMessage>
        implements OneInputStreamOperator<TableWrite, OutputMessage>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final WideTableSink.Settings settings;
    private transient WideTableSinkWriter writer;
    private transient StreamRecord<OutputMessage> reuse;

    WideTableSinkOperator(WideTableSink.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void open() throws Exception {
        super.open();
        reuse = new StreamRecord<>(null);
        ProcessingTimeService time = getProcessingTimeService();
        writer =
                new WideTableSinkWriter(
                        settings,
                        (delayMs, flush) -> {
                            ScheduledFuture<?> f =
                                    time.registerTimer(
                                            time.getCurrentProcessingTime() + delayMs,
                                            t -> flush.run());
                            return () -> f.cancel(false);
                        },
                        getMetricGroup(),
                        m -> output.collect(reuse.replace(m)));
    }

    @Override
    public void processElement(StreamRecord<TableWrite> element) throws Exception {
        writer.write(element.getValue());
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        writer.flush();
    }

    @Override
    public void endInput() throws Exception {
        writer.flush();
    }

    @Override
    public void close() throws Exception {
        try {
            if (writer != null) {
                writer.close();
            }
        } finally {
            super.close();
        }
    }
}
