package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The network to the sink database starts swallowing packets mid-stream: connections stay open,
 * nothing comes back. Without a read timeout the sink would wait on its socket until the operating
 * system gave up (hours), holding every checkpoint. With {@code jdbc.socket.timeout} the write
 * fails, the job fails over within a bounded time and, once the network is back, the tables are
 * exact.
 */
class SinkBlackholeITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * A blocked write waits at most the 3 s socket timeout, twice (one retry); the restart comes
     * after Flink's first back-off (1 s). 45 s leaves room for a busy machine and is still far
     * below anything an unbounded wait could reach.
     */
    private static final Duration FAIL_OVER_BOUND = Duration.ofSeconds(45);

    @Test
    void aSinkNetworkThatSwallowsPacketsFailsOverWithinTheTimeoutAndLosesNothing(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(1500);
        URI direct = URI.create(DB.jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                JobFixture job = new JobFixture(KAFKA, DB)) {
            proxy.start();
            job.set(
                            "sink.jdbc.url",
                            DB.jdbcUrl()
                                    .replace(
                                            direct.getHost() + ":" + direct.getPort(),
                                            "127.0.0.1:" + proxy.port()))
                    .set("jdbc.socket.timeout", "3 s")
                    .set("jdbc.connect.timeout", "2 s")
                    .set("sink.max.retries", "1");
            WrongbookWorkload.install(job);
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());
            try (WrongbookWorkload.Producer producer = workload.produce(job, 100)) {
                WrongbookWorkload.awaitLogRows(DB, 300, WAIT);
                faults.awaitNewCheckpoints(1, WAIT);
                long before = System.nanoTime();
                proxy.blackhole();
                faults.awaitRestores(1, FAIL_OVER_BOUND);
                long failOverMillis = (System.nanoTime() - before) / 1_000_000;
                System.out.println("[blackhole-it] failed over after " + failOverMillis + " ms");
                proxy.stop();
                proxy.start();
                producer.awaitAll(WAIT);
                assertTrue(failOverMillis < FAIL_OVER_BOUND.toMillis());
            }
            workload.awaitExactTables(DB, Duration.ofSeconds(90));
            workload.awaitOutputs(job, false, Duration.ofSeconds(60));
            assertEquals(List.of(), job.dlq().all(), "no event went to the dead-letter topic");
        }
    }
}
