package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code rulecast produce} against a real Kafka broker. */
class ProduceCommandITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir Path dir;

    @Test
    void sendsEveryLineKeyedByThePathAndReportsTheAcknowledgements() throws Exception {
        String topic = KAFKA.createTopic("cli-produce");
        List<String> events =
                List.of(
                        "{\"eventId\":\"e-1\",\"domain\":\"wrongbook\",\"type\":\"wrongbook_add\",\"timestamp\":1,\"payload\":{\"userId\":\"u-1\"}}",
                        "{\"eventId\":\"e-2\",\"domain\":\"wrongbook\",\"type\":\"wrongbook_add\",\"timestamp\":2,\"payload\":{\"userId\":\"u-2\"}}",
                        "{not json");
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, String.join("\n", events) + "\n\n");

        CliRun r =
                CliRun.of(
                        "produce",
                        "--topic",
                        topic,
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--key-path",
                        "payload.userId",
                        file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(
                "sent 3 events to "
                        + topic
                        + " at "
                        + KAFKA.bootstrapServers()
                        + ": 3 acknowledged",
                r.out().strip());

        List<ConsumerRecord<String, String>> got = KAFKA.consume(topic, 3, Duration.ofSeconds(30));
        assertEquals(3, got.size());
        assertEquals(events, got.stream().map(ConsumerRecord::value).toList());
        assertEquals("u-1", got.get(0).key());
        assertEquals("u-2", got.get(1).key());
        assertEquals(null, got.get(2).key());
    }

    @Test
    void unreachableBrokerExits2WithOneLine() throws Exception {
        Path file = dir.resolve("one.jsonl");
        Files.writeString(file, "{\"eventId\":\"e-1\"}\n");
        CliRun r =
                CliRun.of(
                        "produce",
                        "--topic",
                        "t",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--timeout",
                        "2",
                        file.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(
                r.err()
                        .startsWith(
                                "error: cannot reach Kafka at 127.0.0.1:1: no answer within 2 s — is it running?"),
                r.toString());
    }
}
