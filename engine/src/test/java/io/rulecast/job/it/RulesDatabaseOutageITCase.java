package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules database goes away in the middle of the stream and stays away: the last rules keep
 * serving every event — also after a task manager dies meanwhile and the job restarts, when the
 * rules come back from the checkpoint rather than from the database.
 */
class RulesDatabaseOutageITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theLastRulesKeepServingWhileTheRulesDatabaseIsAwayEvenAcrossARestart(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(3000);
        URI direct = URI.create(DB.jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                JobFixture job = new JobFixture(KAFKA, DB)) {
            proxy.start();
            job.set(
                            "rules.jdbc.url",
                            DB.jdbcUrl()
                                    .replace(
                                            direct.getHost() + ":" + direct.getPort(),
                                            "127.0.0.1:" + proxy.port()))
                    // The sink's database would default to the rules' (the proxy): keep it direct.
                    .set("sink.jdbc.url", DB.jdbcUrl());
            WrongbookWorkload.install(job);
            job.start();
            ClusterFaults faults = new ClusterFaults(cluster, job.jobId());
            try (WrongbookWorkload.Producer producer = workload.produce(job, 250)) {
                WrongbookWorkload.awaitLogRows(DB, 300, WAIT);
                proxy.stop();
                WrongbookWorkload.awaitLogRows(DB, 900, WAIT);
                // The checkpoint taken while the database is away is the one the job restores.
                faults.awaitNewCheckpoints(1, WAIT);
                faults.replaceTaskManager();
                faults.awaitRestores(1, WAIT);
                producer.awaitAll(WAIT);
                workload.awaitExactTables(DB, WAIT);
                workload.awaitOutputs(job, false, WAIT);
                assertEquals(JobStatus.RUNNING, job.status());
            } finally {
                proxy.start();
            }
            assertEquals(List.of(), job.dlq().all(), "no event went to the dead-letter topic");
        }
    }
}
