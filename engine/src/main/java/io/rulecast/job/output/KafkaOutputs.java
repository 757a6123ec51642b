package io.rulecast.job.output;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink for {@code rulecast.alerts}, {@code rulecast.metrics} and {@code rulecast.dlq}:
 * one sink writes all three, each {@link OutputMessage} naming its topic, key, value and headers.
 */
public final class KafkaOutputs {
    /** Producer's {@code max.request.size} unless {@code kafka.properties.*} sets another. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private KafkaOutputs() {}

    /** An at-least-once sink. */
    public static KafkaSink<OutputMessage> sink(String bootstrapServers, Properties extra) {
        return sink(bootstrapServers, extra, DeliveryGuarantee.AT_LEAST_ONCE, "rulecast");
    }

    /**
     * @param extra producer properties (may be null or empty), e.g. {@code compression.type}
     * @param guarantee {@code AT_LEAST_ONCE} (the default: consumers of alerts and metrics tolerate
     *     a duplicate after a restart) or {@code EXACTLY_ONCE} (Kafka transactions committed on
     *     checkpoints; readers must use {@code isolation.level=read_committed})
     * @param jobName {@code job.name}: the prefix of the transactional ids, so that the producers
     *     of two jobs on one cluster do not fence each other
     */
    public static KafkaSink<OutputMessage> sink(
            String bootstrapServers,
            Properties extra,
            DeliveryGuarantee guarantee,
            String jobName) {
        Properties props = new Properties();
        if (extra != null) {
            props.putAll(extra);
        }
        var builder =
                KafkaSink.<OutputMessage>builder()
                        .setKafkaProducerConfig(props)
                        .setBootstrapServers(bootstrapServers)
                        .setRecordSerializer(new OutputMessageSerializer(maxRequestSize(props)))
                        .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix(jobName));
            if (!props.containsKey("transaction.timeout.ms")) {
                // The connector asks for 1 h; brokers refuse more than 15 min unless
                // transaction.max.timeout.ms was raised.
                builder.setProperty("transaction.timeout.ms", "900000");
            }
        }
        return builder.build();
    }

    /** Prefix of the transactional ids of job {@code jobName} under {@code EXACTLY_ONCE}. */
    static String transactionalIdPrefix(String jobName) {
        return jobName + "-outputs";
    }

    private static int maxRequestSize(Properties props) {
        String v = props.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (v == null) {
            return DEFAULT_MAX_REQUEST_SIZE;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "kafka.properties.max.request.size: expected a number of bytes, got '"
                            + v
                            + "'");
        }
    }

    /**
     * Topic, key, value and UTF-8 headers straight from the message — except that a record larger
     * than the producer accepts ({@code max.request.size}) keeps only the first bytes of its value
     * and says so in {@link Messages#HEADER_TRUNCATED}. Otherwise one near-1 MiB event plus its
     * dead-letter headers would fail the producer on every restart: a poison pill.
     */
    static final class OutputMessageSerializer
            implements KafkaRecordSerializationSchema<OutputMessage> {
        private static final long serialVersionUID = 2L;
        private static final Logger LOG = LoggerFactory.getLogger(OutputMessageSerializer.class);

        /**
         * An upper bound of what Kafka adds around key, value and headers: the record batch header
         * (61 bytes) and the record's own lengths, attributes and offsets in varints.
         */
        static final int RECORD_OVERHEAD = 128;

        private static final int HEADER_OVERHEAD = 10;

        /** Distinct (stage, reason) pairs with a counter of their own; reasons are a fixed set. */
        static final int MAX_REASONS = 100;

        private final int maxRequestSize;
        private transient MetricGroup metrics;
        private transient Map<String, Counter> deadLetters;

        OutputMessageSerializer(int maxRequestSize) {
            this.maxRequestSize = maxRequestSize;
        }

        OutputMessageSerializer() {
            this(DEFAULT_MAX_REQUEST_SIZE);
        }

        /**
         * Counts dead letters as {@code deadLetters} under the groups {@code stage} and {@code
         * reason} of the sink's writer (labels in Prometheus).
         */
        @Override
        public void open(
                SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
                throws Exception {
            metrics = context.getMetricGroup();
            deadLetters = new HashMap<>();
        }

        private void countDeadLetter(Map<String, String> headers) {
            String reason = headers.get(Messages.HEADER_REASON);
            if (reason == null || metrics == null) {
                return;
            }
            String stage = headers.getOrDefault(Messages.HEADER_STAGE, "");
            String k = stage + "/" + reason;
            Counter c = deadLetters.get(k);
            if (c == null) {
                if (deadLetters.size() >= MAX_REASONS) {
                    return;
                }
                c =
                        metrics.addGroup("stage", stage)
                                .addGroup("reason", reason)
                                .counter("deadLetters");
                deadLetters.put(k, c);
            }
            c.inc();
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                OutputMessage m, KafkaSinkContext context, Long timestamp) {
            countDeadLetter(m.headers());
            RecordHeaders headers = new RecordHeaders();
            int size = RECORD_OVERHEAD + (m.key() == null ? 0 : m.key().length);
            for (Map.Entry<String, String> h : m.headers().entrySet()) {
                if (h.getValue() != null) {
                    byte[] v = h.getValue().getBytes(StandardCharsets.UTF_8);
                    headers.add(h.getKey(), v);
                    size += HEADER_OVERHEAD + h.getKey().length() * 3 + v.length;
                }
            }
            byte[] value = m.value();
            if (value != null && size + value.length > maxRequestSize) {
                byte[] original = Long.toString(value.length).getBytes(StandardCharsets.UTF_8);
                int room =
                        maxRequestSize
                                - size
                                - HEADER_OVERHEAD
                                - Messages.HEADER_TRUNCATED.length()
                                - original.length;
                value = Arrays.copyOf(value, Math.max(0, room));
                headers.add(Messages.HEADER_TRUNCATED, original);
                LOG.warn(
                        "a record for {} of {} bytes exceeds max.request.size ({}): its value is"
                                + " cut to {} bytes",
                        m.topic(),
                        m.value().length,
                        maxRequestSize,
                        value.length);
            }
            // No timestamp: the broker-side record time is when the output was produced.
            return new ProducerRecord<>(m.topic(), null, null, m.key(), value, headers);
        }
    }
}
