package io.rulecast.job.output;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka sink for {@code rulecast.alerts}, {@code rulecast.metrics} and {@code rulecast.dlq}:
 * one sink writes all three, each {@link OutputMessage} naming its topic, key, value and headers.
 */
public final class KafkaOutputs {
    /** Prefix of transactional ids when the guarantee is {@code EXACTLY_ONCE}. */
    public static final String TRANSACTIONAL_ID_PREFIX = "rulecast-outputs";

    private KafkaOutputs() {}

    /** An at-least-once sink. */
    public static KafkaSink<OutputMessage> sink(String bootstrapServers, Properties extra) {
        return sink(bootstrapServers, extra, DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /**
     * @param extra producer properties (may be null or empty), e.g. {@code compression.type}
     * @param guarantee {@code AT_LEAST_ONCE} (the default: consumers of alerts and metrics tolerate
     *     a duplicate after a restart) or {@code EXACTLY_ONCE} (Kafka transactions committed on
     *     checkpoints; readers must use {@code isolation.level=read_committed})
     */
    public static KafkaSink<OutputMessage> sink(
            String bootstrapServers, Properties extra, DeliveryGuarantee guarantee) {
        Properties props = new Properties();
        if (extra != null) {
            props.putAll(extra);
        }
        var builder =
                KafkaSink.<OutputMessage>builder()
                        .setKafkaProducerConfig(props)
                        .setBootstrapServers(bootstrapServers)
                        .setRecordSerializer(new OutputMessageSerializer())
                        .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(TRANSACTIONAL_ID_PREFIX);
            if (!props.containsKey("transaction.timeout.ms")) {
                // The connector asks for 1 h; brokers refuse more than 15 min unless
                // transaction.max.timeout.ms was raised.
                builder.setProperty("transaction.timeout.ms", "900000");
            }
        }
        return builder.build();
    }

    /** Topic, key, value and UTF-8 headers straight from the message. */
    static final class OutputMessageSerializer
            implements KafkaRecordSerializationSchema<OutputMessage> {
        private static final long serialVersionUID = 1L;

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                OutputMessage m, KafkaSinkContext context, Long timestamp) {
            RecordHeaders headers = new RecordHeaders();
            for (Map.Entry<String, String> h : m.headers().entrySet()) {
                if (h.getValue() != null) {
                    headers.add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
            // No timestamp: the broker-side record time is when the output was produced.
            return new ProducerRecord<>(m.topic(), null, null, m.key(), m.value(), headers);
        }
    }
}
