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

    @Test
    void aRecordTooLargeForTheProducerKeepsTheStartOfItsValueAndSaysSo() {
        byte[] value = new byte[2000];
        java.util.Arrays.fill(value, (byte) 'x');
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Messages.HEADER_REASON, "NO_RULE");
        OutputMessage m =
                new OutputMessage("dlq", "k".getBytes(StandardCharsets.UTF_8), value, headers);
        ProducerRecord<byte[], byte[]> r =
                new KafkaOutputs.OutputMessageSerializer(1000).serialize(m, null, null);
        assertEquals(
                "2000",
                new String(
                        r.headers().lastHeader(Messages.HEADER_TRUNCATED).value(),
                        StandardCharsets.UTF_8));
        int headerBytes = 0;
        for (var h : r.headers()) {
            headerBytes += h.key().length() + h.value().length + 10;
        }
        int estimate =
                KafkaOutputs.OutputMessageSerializer.RECORD_OVERHEAD
                        + r.key().length
                        + r.value().length
                        + headerBytes;
        org.junit.jupiter.api.Assertions.assertTrue(estimate <= 1000, "fits: " + estimate);
        org.junit.jupiter.api.Assertions.assertTrue(r.value().length > 700, "" + r.value().length);
        assertArrayEquals(java.util.Arrays.copyOf(value, r.value().length), r.value());

        ProducerRecord<byte[], byte[]> small =
                new KafkaOutputs.OutputMessageSerializer(1000)
                        .serialize(new OutputMessage("dlq", null, new byte[100], null), null, null);
        assertEquals(100, small.value().length);
        assertNull(small.headers().lastHeader(Messages.HEADER_TRUNCATED));
    }

    @Test
    void transactionalIdsArePrefixedWithTheJobName() {
        assertEquals("rulecast-outputs", KafkaOutputs.transactionalIdPrefix("rulecast"));
        assertEquals("billing-outputs", KafkaOutputs.transactionalIdPrefix("billing"));
    }
}
