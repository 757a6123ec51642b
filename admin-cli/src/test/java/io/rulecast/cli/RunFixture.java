package io.rulecast.cli;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the ITCases of {@code rulecast run} share: its properties file, and events kept coming. */
final class RunFixture {
    private RunFixture() {}

    /** {@code args} followed by the connection options of {@code db}. */
    static String[] withDb(MariaDbExtension db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "--jdbc-url",
                        db.jdbcUrl(),
                        "--user",
                        db.user(),
                        "--password=" + db.password()));
        return all.toArray(String[]::new);
    }

    /**
     * Writes {@code dir/rulecast.properties} for the broker, reading {@code eventsTopic} from the
     * start, with alerts/metrics/dlq topics named {@code prefix-…} (created here) and {@code extra}
     * lines after them.
     */
    static Path properties(
            Path dir,
            KafkaBrokerExtension kafka,
            String prefix,
            String eventsTopic,
            String... extra)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("kafka.bootstrap.servers=" + kafka.bootstrapServers());
        lines.add("kafka.starting.offsets=earliest");
        lines.add("topic.events=" + eventsTopic);
        lines.add("topic.alerts=" + kafka.createTopic(prefix + "-alerts"));
        lines.add("topic.metrics=" + kafka.createTopic(prefix + "-metrics"));
        lines.add("topic.dlq=" + kafka.createTopic(prefix + "-dlq"));
        lines.addAll(List.of(extra));
        lines.add("");
        return Files.writeString(dir.resolve("rulecast.properties"), String.join("\n", lines));
    }

    /** {@code rulecast produce FILE} to {@code topic} every 300 ms until closed. */
    static final class Producing implements AutoCloseable {
        private final AtomicBoolean on = new AtomicBoolean(true);
        private final CompletableFuture<Void> loop;

        Producing(KafkaBrokerExtension kafka, String topic, Path file) {
            loop =
                    CompletableFuture.runAsync(
                            () -> {
                                while (on.get()) {
                                    CliRun.of(
                                            "produce",
                                            "--topic",
                                            topic,
                                            "--bootstrap-servers",
                                            kafka.bootstrapServers(),
                                            file.toString());
                                    StatusCommandITCase.sleep(300);
                                }
                            });
        }

        @Override
        public void close() throws Exception {
            on.set(false);
            loop.get(60, TimeUnit.SECONDS);
        }
    }
}
