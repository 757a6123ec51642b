package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.Inputs;
import io.rulecast.event.EventParser;
import io.rulecast.event.ParseResult;
import io.rulecast.routing.KeyPath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rulecast produce --topic T F.jsonl}: sends each line as one record, byte for byte (so
 * malformed samples reach the dead-letter path too), and reports how many the broker acknowledged.
 */
@Command(
        name = "produce",
        description = {
            "Send events (one per line) to a Kafka topic and report how many were acknowledged.",
            "Lines are sent as they are; blank lines are skipped."
        })
public final class ProduceCommand extends BaseCommand {
    @Parameters(
            paramLabel = "EVENTS.jsonl",
            converter = Inputs.ExistingFile.class,
            description = "Events, one JSON object per line.")
    Path events;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            defaultValue = "rulecast.events",
            description = "Target topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:RULECAST_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description =
                    "Kafka brokers (env RULECAST_BOOTSTRAP_SERVERS, default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--key-path",
            paramLabel = "PATH",
            description =
                    "Record key from this field of each event, e.g. payload.userId (default: no"
                            + " key, so the job keys state by its events.key.path).")
    String keyPath;

    private KeyPath parsedKeyPath;
    private EventParser parser;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "15",
            description =
                    "Give up waiting for the broker after this long (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        List<String> lines = readLines();
        long timeoutMs = Math.max(1, timeoutSeconds) * 1000L;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs + 1000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "rulecast-cli");
        checkReachable(timeoutMs);
        int acked = 0;
        List<String> errors = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(lines.size());
            for (String line : lines) {
                if (sent.size() == 1) {
                    // One failed wait is enough to know the topic is unusable.
                    awaitFirst(sent.get(0), timeoutMs);
                }
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic, key(line), line.getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get(timeoutMs, TimeUnit.MILLISECONDS);
                    acked++;
                } catch (ExecutionException e) {
                    errors.add(String.valueOf(e.getCause()));
                } catch (TimeoutException e) {
                    errors.add("no acknowledgement within " + timeoutSeconds + " s");
                }
            }
        } catch (KafkaException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.usage("interrupted");
        }
        if (acked == 0 && !lines.isEmpty()) {
            throw unreachable(new KafkaException(errors.get(0)));
        }
        out().println(
                        "sent "
                                + lines.size()
                                + " events to "
                                + topic
                                + " at "
                                + bootstrapServers
                                + ": "
                                + acked
                                + " acknowledged"
                                + (errors.isEmpty()
                                        ? ""
                                        : ", "
                                                + errors.size()
                                                + " failed ("
                                                + errors.get(0)
                                                + ")"));
        return errors.isEmpty() ? 0 : CliException.FAILED_CHECK;
    }

    /**
     * Asks the cluster for its nodes first: without that, a producer waits for metadata once per
     * record and cannot tell a dead broker from a missing topic.
     */
    private void checkReachable(long timeoutMs) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "rulecast-cli");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw CliException.unreachable(
                    "cannot reach Kafka at "
                            + bootstrapServers
                            + ": no answer within "
                            + timeoutSeconds
                            + " s — is it running? set --bootstrap-servers or"
                            + " RULECAST_BOOTSTRAP_SERVERS",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.usage("interrupted");
        }
    }

    private CliException unreachable(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof UnknownTopicOrPartitionException
                || String.valueOf(root.getMessage()).contains("not present in metadata")) {
            return CliException.usage(
                    "topic '"
                            + topic
                            + "' does not exist at "
                            + bootstrapServers
                            + " — create it first");
        }
        String why =
                root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return CliException.unreachable(
                "cannot reach Kafka at "
                        + bootstrapServers
                        + ": "
                        + why
                        + " — is it running? set --bootstrap-servers or RULECAST_BOOTSTRAP_SERVERS",
                e);
    }

    private void awaitFirst(Future<RecordMetadata> first, long timeoutMs)
            throws InterruptedException {
        try {
            first.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unreachable(e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(e);
        }
    }

    private List<String> readLines() {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The key at {@code --key-path}, as the job would key the event without a Kafka key (the same
     * {@link KeyPath}); null when there is none or the line is not an event.
     */
    private byte[] key(String line) {
        if (keyPath == null) {
            return null;
        }
        if (parsedKeyPath == null) {
            parsedKeyPath = new KeyPath(keyPath);
            parser = new EventParser();
        }
        ParseResult r = parser.parse(line.getBytes(StandardCharsets.UTF_8));
        if (!(r instanceof ParseResult.Parsed p)) {
            return null;
        }
        String key = parsedKeyPath.resolve(p.event().scriptView());
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }
}
