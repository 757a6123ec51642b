package io.rulecast.job.output;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A record for one of the job's Kafka topics (alerts, metrics, dead letters): already serialized
 * bytes plus headers, and the topic it goes to. One Kafka sink writes all three topics. Crosses to
 * that sink with its own serializer ({@link OutputMessageTypeInfo}).
 */
@TypeInfo(OutputMessageTypeInfo.Factory.class)
public final class OutputMessage implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final byte[] key;
    private final byte[] value;
    private final Map<String, String> headers;

    public OutputMessage(String topic, byte[] key, byte[] value, Map<String, String> headers) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.key = key;
        this.value = value;
        this.headers = headers == null ? Map.of() : headers;
    }

    public String topic() {
        return topic;
    }

    public byte[] key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    /** Header name → UTF-8 value (for dead letters: stage, reason, message, rule, version). */
    public Map<String, String> headers() {
        return headers;
    }
}
