package io.rulecast.job.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rulecast.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One Kafka sink writes alerts, metrics and dead letters to their topics on a real broker. */
class KafkaOutputsITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void run(List<OutputMessage> messages, DeliveryGuarantee guarantee)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromData(messages)
                .returns(OutputMessage.class)
                .sinkTo(KafkaOutputs.sink(KAFKA.bootstrapServers(), null, guarantee, "it"))
                .name("outputs");
        env.execute("kafka outputs test");
    }

    private static Map<String, String> headers(ConsumerRecord<String, String> r) {
        Map<String, String> h = new TreeMap<>();
        for (Header header : r.headers()) {
            h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return h;
    }

    @Test
    void recordsWithHeadersReachTheTopicsTheyName() throws Exception {
        String alerts = KAFKA.createTopic("rulecast.alerts");
        String metrics = KAFKA.createTopic("rulecast.metrics");
        String dlq = KAFKA.createTopic("rulecast.dlq");
        List<OutputMessage> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            messages.add(
                    new OutputMessage(
                            alerts,
                            utf8("user-" + i),
                            utf8("{\"level\":\"WARN\",\"message\":\"错题 " + i + "\"}"),
                            Map.of("rule", "wrongbook/add/main", "version", "v" + i)));
            messages.add(
                    new OutputMessage(
                            metrics, null, utf8("{\"name\":\"m\",\"value\":" + i + "}"), null));
        }
        messages.add(
                new OutputMessage(
                        dlq,
                        utf8("e-1"),
                        utf8("{\"eventId\":\"e-1\"}"),
                        Map.of(
                                "stage", "rule",
                                "reason", "TIMEOUT",
                                "message", "脚本运行超过 100 ms",
                                "rule", "wrongbook/add/main",
                                "version", "abc")));
        run(messages, DeliveryGuarantee.AT_LEAST_ONCE);

        List<ConsumerRecord<String, String>> a = KAFKA.consume(alerts, 30, Duration.ofSeconds(30));
        assertEquals(30, a.size());
        TreeSet<String> keys = new TreeSet<>();
        for (ConsumerRecord<String, String> r : a) {
            int i = Integer.parseInt(r.key().substring("user-".length()));
            keys.add(r.key());
            assertEquals("{\"level\":\"WARN\",\"message\":\"错题 " + i + "\"}", r.value());
            assertEquals(Map.of("rule", "wrongbook/add/main", "version", "v" + i), headers(r));
        }
        assertEquals(30, keys.size());

        List<ConsumerRecord<String, String>> m = KAFKA.consume(metrics, 30, Duration.ofSeconds(30));
        assertEquals(30, m.size());
        m.forEach(r -> assertNull(r.key()));
        assertEquals(0, m.get(0).headers().toArray().length);

        List<ConsumerRecord<String, String>> d = KAFKA.consume(dlq, 1, Duration.ofSeconds(30));
        assertEquals(1, d.size());
        assertEquals("e-1", d.get(0).key());
        assertEquals(
                Map.of(
                        "stage", "rule",
                        "reason", "TIMEOUT",
                        "message", "脚本运行超过 100 ms",
                        "rule", "wrongbook/add/main",
                        "version", "abc"),
                headers(d.get(0)));
    }

    @Test
    void exactlyOnceCommitsOnCheckpointsWithATimeoutTheBrokerAccepts() throws Exception {
        String alerts = KAFKA.createTopic("rulecast.alerts");
        List<OutputMessage> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(new OutputMessage(alerts, null, utf8("a" + i), Map.of("n", "" + i)));
        }
        run(messages, DeliveryGuarantee.EXACTLY_ONCE);
        // The extension reads committed records only: these arrived through a committed
        // transaction.
        List<ConsumerRecord<String, String>> a = KAFKA.consume(alerts, 10, Duration.ofSeconds(30));
        assertEquals(10, a.size());
        TreeSet<String> values = new TreeSet<>();
        a.forEach(r -> values.add(r.value()));
        assertEquals(10, values.size());
    }
}
