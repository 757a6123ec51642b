package io.rulecast.job.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaOutputsTest {

    @Test
    void recordCarriesTheMessagesTopicKeyValueAndUtf8Headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("reason", "TIMEOUT");
        headers.put("message", "脚本超时");
        OutputMessage m =
                new OutputMessage(
                        "rulecast.dlq",
                        "k".getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8),
                        headers);
        ProducerRecord<byte[], byte[]> r =
                new KafkaOutputs.OutputMessageSerializer().serialize(m, null, 123L);
        assertEquals("rulecast.dlq", r.topic());
        assertNull(r.partition());
        assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), r.key());
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), r.value());
        assertEquals(2, r.headers().toArray().length);
        assertEquals(
                "脚本超时",
                new String(r.headers().lastHeader("message").value(), StandardCharsets.UTF_8));
        assertEquals(
                "TIMEOUT",
                new String(r.headers().lastHeader("reason").value(), StandardCharsets.UTF_8));
    }

    @Test
    void nullKeyAndNoHeadersAreFine() {
        ProducerRecord<byte[], byte[]> r =
                new KafkaOutputs.OutputMessageSerializer()
                        .serialize(new OutputMessage("t", null, new byte[] {1}, null), null, null);
        assertNull(r.key());
        assertEquals(0, r.headers().toArray().length);
    }
}
