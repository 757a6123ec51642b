package io.rulecast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerExtensionITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void producedRecordsAreConsumedFromTheBeginning() {
        String topic = KAFKA.createTopic("roundtrip");
        KAFKA.produce(topic, "k-1", "{\"n\":1}");
        KAFKA.produce(topic, "k-2", "{\"n\":2}");

        List<ConsumerRecord<String, String>> records =
                KAFKA.consume(topic, 2, Duration.ofSeconds(30));

        assertEquals(List.of("k-1", "k-2"), records.stream().map(ConsumerRecord::key).toList());
        assertEquals(
                List.of("{\"n\":1}", "{\"n\":2}"),
                records.stream().map(ConsumerRecord::value).toList());
    }

    @Test
    void consumeAllReturnsEveryRecordOfEveryPartition() {
        String topic = KAFKA.createTopic("all", 3);
        List<String> values =
                IntStream.range(0, 50).mapToObj(i -> "v" + i).collect(Collectors.toList());
        KAFKA.produce(topic, values);

        List<ConsumerRecord<String, String>> records =
                KAFKA.consumeAll(topic, Duration.ofMillis(500));

        assertEquals(
                values.stream().sorted().toList(),
                records.stream().map(ConsumerRecord::value).sorted().toList());
        assertTrue(records.stream().allMatch(r -> r.partition() >= 0 && r.partition() < 3));
    }

    @Test
    void consumeFailsTheTestWhenTooFewRecordsArrive() {
        String topic = KAFKA.createTopic("short");
        KAFKA.produce(topic, "k", "only one");

        AssertionError e =
                assertThrows(
                        AssertionError.class, () -> KAFKA.consume(topic, 2, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("expected at least 2 records"), e.getMessage());
        assertTrue(e.getMessage().contains("only one"), e.getMessage());
    }

    @Test
    void everyTopicNameIsUnique() {
        String a = KAFKA.createTopic("same");
        String b = KAFKA.createTopic("same");
        assertNotEquals(a, b);
        assertTrue(a.startsWith("same-"), a);
        assertTrue(KAFKA.bootstrapServers().startsWith("127.0.0.1:"), KAFKA.bootstrapServers());
    }
}
