package io.rulecast.job.sink;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.output.OutputMessage;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Applies {@link TableWrite}s to MySQL/MariaDB wide tables: an upsert names only the columns its
 * row carries ({@code INSERT … ON DUPLICATE KEY UPDATE}), so rules for different event types fill
 * different columns of the same row; a delete removes a row by primary key.
 *
 * <p>At-least-once: every checkpoint flushes the buffer, and after a failure Flink replays the
 * writes since the last checkpoint, which the idempotent upserts and deletes absorb. Writes of one
 * row must reach one writer in order: attach the sink with {@link #attach}, which keys the stream
 * by {@link TableWriteKeySelector}.
 *
 * <p>No write disappears: one the database refuses (a value too long, a column or table dropped)
 * comes out of {@link #attach} as a dead letter with stage {@code sink}, the row and the reason,
 * for the job's Kafka sink; a sink built without {@link Builder#deadLetterTopic} fails instead.
 *
 * <pre>{@code
 * TableCatalog catalog = new TableCatalog(spec, allowed);
 * WideTableSink sink =
 *         WideTableSink.builder().connection(spec).allowedTables(allowed).deadLetterTopic(dlq).build();
 * DataStream<OutputMessage> deadLetters =
 *         sink.attach(writes, TableWriteKeySelector.resolvePrimaryKeys(catalog));
 * }</pre>
 *
 * <p>Wide tables need a primary key, and every other column must be nullable or have a default:
 * MySQL in strict mode checks the would-be inserted row ("Field 'x' doesn't have a default value")
 * before it finds the duplicate key, even when the row exists and only an update results.
 *
 * <p>Operator metrics: {@code rowsWritten}, {@code rowsRejected} (dead-lettered: failed the {@link
 * TableCatalog} check or refused by the database), {@code batches}, {@code retries}, {@code
 * lastFlushMillis}.
 */
public final class WideTableSink implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default of {@code sink.batch.size}. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    /** Default of {@code sink.flush.interval}. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);

    /** Default of {@code sink.max.retries}. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    /** First retry delay; doubled on each further retry. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);

    /** What a writer needs; immutable. */
    record Settings(
            JdbcConnectionSpec connection,
            Set<String> allowedTables,
            int batchSize,
            int connections,
            long flushIntervalMs,
            int maxRetries,
            long retryBackoffMs,
            String deadLetterTopic)
            implements Serializable {}

    private final Settings settings;

    private WideTableSink(Settings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Keys {@code writes} by table and primary key and writes them with this sink, as operator
     * {@code wide-table-sink}; returns the dead letters of writes it could not apply.
     *
     * @param primaryKeys from {@link TableWriteKeySelector#resolvePrimaryKeys}
     */
    public SingleOutputStreamOperator<OutputMessage> attach(
            DataStream<TableWrite> writes, Map<String, List<String>> primaryKeys) {
        return attach(writes, new TableWriteKeySelector(primaryKeys));
    }

    /** As {@link #attach(DataStream, Map)}, keyed by {@code rowKeys}. */
    public SingleOutputStreamOperator<OutputMessage> attach(
            DataStream<TableWrite> writes, KeySelector<TableWrite, String> rowKeys) {
        return writes.keyBy(rowKeys)
                .transform(
                        "wide-table sink",
                        TypeInformation.of(OutputMessage.class),
                        new WideTableSinkOperator(settings))
                .uid("wide-table-sink");
    }

    /** Builds a {@link WideTableSink}; connection and allowed tables are required. */
    public static final class Builder {
        private JdbcConnectionSpec connection;
        private Set<String> allowedTables;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int connections = 1;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private String deadLetterTopic;

        private Builder() {}

        /**
         * {@code topic.dlq}: where writes the database refuses go (as dead letters out of {@link
         * #attach}); without it such a write fails the task.
         */
        public Builder deadLetterTopic(String topic) {
            this.deadLetterTopic = topic;
            return this;
        }

        /** {@code sink.jdbc.url}, {@code sink.jdbc.user}, {@code sink.jdbc.password}. */
        public Builder connection(JdbcConnectionSpec connection) {
            this.connection = connection;
            return this;
        }

        /** {@code sink.tables.allowed}. */
        public Builder allowedTables(Set<String> allowedTables) {
            this.allowedTables = allowedTables;
            return this;
        }

        /** {@code sink.batch.size}: flush when this many writes are buffered. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * {@code sink.connections}: connections per subtask; a flush spreads its rows over them by
         * primary key and writes them in parallel.
         */
        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        /**
         * {@code sink.flush.interval}: flush writes that waited this long; zero = only on
         * size/checkpoint.
         */
        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        /** {@code sink.max.retries}: retries of a failed flush before the task fails. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** Delay before the first retry, doubled for each further one. */
        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public WideTableSink build() {
            Objects.requireNonNull(connection, "connection: set sink.jdbc.url");
            Objects.requireNonNull(allowedTables, "allowedTables: set sink.tables.allowed");
            if (batchSize < 1) {
                throw new IllegalArgumentException(
                        "sink.batch.size must be at least 1, got " + batchSize);
            }
            if (connections < 1) {
                throw new IllegalArgumentException(
                        "sink.connections must be at least 1, got " + connections);
            }
            if (flushInterval.isNegative()) {
                throw new IllegalArgumentException(
                        "sink.flush.interval must not be negative, got " + flushInterval);
            }
            if (maxRetries < 0) {
                throw new IllegalArgumentException(
                        "sink.max.retries must not be negative, got " + maxRetries);
            }
            return new WideTableSink(
                    new Settings(
                            connection,
                            Collections.unmodifiableSet(new TreeSet<>(allowedTables)),
                            batchSize,
                            connections,
                            flushInterval.toMillis(),
                            maxRetries,
                            Math.max(1, retryBackoff.toMillis()),
                            deadLetterTopic));
        }
    }
}
