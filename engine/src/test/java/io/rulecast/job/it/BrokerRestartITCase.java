package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.rulecast.broker.ChildJvms;
import io.rulecast.broker.KafkaBroker;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker — input, alerts, metrics and dead-letter topics all on it — is restarted in the
 * middle of the stream. The test runs a broker of its own on fixed ports and a kept work directory
 * (the shared test broker serves other test classes), stops it gracefully and starts it again on
 * the same ports and data. Nothing is lost.
 */
class BrokerRestartITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void nothingIsLostWhenTheBrokerRestartsMidStream() throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(3000);
        Path dir = Files.createTempDirectory("rulecast-broker-restart-");
        KafkaBroker broker = KafkaBroker.builder().workDir(dir).start();
        try {
            String bootstrap = broker.bootstrapServers();
            try (JobFixture job = new JobFixture(bootstrap, topics(bootstrap), DB)) {
                WrongbookWorkload.install(job);
                job.start();
                try (WrongbookWorkload.Producer producer = workload.produce(job, 200)) {
                    WrongbookWorkload.awaitLogRows(DB, 500, WAIT);
                    int port = broker.port();
                    int controllerPort = broker.controllerPort();
                    broker.stop();
                    assertFalse(broker.isRunning());
                    int sentWhileDown = producer.sent();
                    broker =
                            KafkaBroker.builder()
                                    .port(port)
                                    .controllerPort(controllerPort)
                                    .workDir(dir)
                                    .start();
                    producer.awaitAll(Duration.ofSeconds(90));
                    assertFalse(
                            sentWhileDown >= workload.events.size(),
                            "the restart came in the middle of the stream");
                }
                workload.awaitExactTables(DB, Duration.ofSeconds(90));
                workload.awaitOutputs(job, false, Duration.ofSeconds(60));
                assertEquals(List.of(), job.dlq().all(), "no event went to the dead-letter topic");
            }
        } finally {
            broker.stop();
            ChildJvms.deleteRecursively(dir);
        }
    }

    /** Topic creation on the test's own broker. */
    private static JobFixture.Topics topics(String bootstrap) {
        return (prefix, partitions) -> {
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                return KafkaBrokerExtension.createTopic(admin, prefix, partitions);
            }
        };
    }
}
