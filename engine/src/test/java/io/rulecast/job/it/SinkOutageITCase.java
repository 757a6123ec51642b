package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wide-table database goes away for 20 s in the middle of the stream: the job reaches it
 * through a TCP proxy, which the test stops (refusing new connections and cutting the open ones, as
 * a failed network or a restarting server would) and starts again on the same port. The rules
 * database stays reachable. Once the sink's database is back, nothing is missing.
 */
class SinkOutageITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void nothingIsLostWhenTheSinkDatabaseIsAwayForTwentySeconds() throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(3000);
        URI direct = URI.create(DB.jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                JobFixture job = new JobFixture(KAFKA, DB)) {
            proxy.start();
            job.set(
                    "sink.jdbc.url",
                    DB.jdbcUrl()
                            .replace(
                                    direct.getHost() + ":" + direct.getPort(),
                                    "127.0.0.1:" + proxy.port()));
            WrongbookWorkload.install(job);
            job.start();
            try (WrongbookWorkload.Producer producer = workload.produce(job, 100)) {
                WrongbookWorkload.awaitLogRows(DB, 300, WAIT);
                proxy.stop();
                long outageEnds = System.nanoTime() + OUTAGE.toNanos();
                // A batch in flight when the proxy stopped may still commit; after that, nothing.
                JobFixture.sleep(2000);
                long rowsEarlyInOutage = WrongbookWorkload.logRows(DB);
                JobFixture.sleep(Math.max(0, (outageEnds - System.nanoTime()) / 1_000_000));
                assertEquals(
                        rowsEarlyInOutage,
                        WrongbookWorkload.logRows(DB),
                        "the job wrote no row while its database was away");
                proxy.start();
                producer.awaitAll(WAIT);
            }
            workload.awaitExactTables(DB, Duration.ofSeconds(90));
            workload.awaitOutputs(job, false, Duration.ofSeconds(60));
            assertEquals(List.of(), job.dlq().all(), "no event went to the dead-letter topic");
        }
    }
}
