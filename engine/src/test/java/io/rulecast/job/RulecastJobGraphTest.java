package io.rulecast.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.output.KafkaOutputs;
import io.rulecast.job.routing.RoutingResources;
import io.rulecast.job.rules.RulesSource;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.job.sink.WideTableSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job's graph as {@link RulecastJob#build} makes it, without running it. */
class RulecastJobGraphTest {

    @Test
    void ruleChangesLeaveTheRulesSourceWithoutWaitingForABufferTimeout() {
        // 0: every rule change is flushed to the routing instances as it is emitted (by default
        // it waits for its network buffer to fill or for execution.buffer-timeout.interval, 100 ms)
        assertEquals(0L, node(graph(), RulecastJob.UID_RULES).getBufferTimeout());
    }

    @Test
    void eventsAndTheirWritesWaitInNetworkBuffersForAtMostTenMilliseconds() {
        // the next event after a rule change and its table write; 100 ms each by default
        StreamGraph graph = graph();
        assertEquals(10L, node(graph, RulecastJob.UID_PARSE).getBufferTimeout());
        assertEquals(10L, node(graph, RulecastJob.UID_ROUTE).getBufferTimeout());
    }

    @Test
    void aBufferTimeoutTheDeploymentSetAppliesToEventsAsSet() {
        // flink.execution.buffer-timeout.interval (or the cluster's own setting) is the user's
        // choice of throughput over latency: the job does not override it on its event edges
        Configuration flink = new Configuration();
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(250));
        StreamGraph graph = graph(StreamExecutionEnvironment.getExecutionEnvironment(flink));
        assertEquals(250L, node(graph, RulecastJob.UID_PARSE).getBufferTimeout());
        assertEquals(250L, node(graph, RulecastJob.UID_ROUTE).getBufferTimeout());
        assertEquals(0L, node(graph, RulecastJob.UID_RULES).getBufferTimeout());
    }

    private static StreamNode node(StreamGraph graph, String uid) {
        return graph.getStreamNodes().stream()
                .filter(n -> uid.equals(n.getTransformationUID()))
                .findFirst()
                .orElseThrow();
    }

    private static StreamGraph graph() {
        return graph(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    private static StreamGraph graph(StreamExecutionEnvironment env) {
        JdbcConnectionSpec db = new JdbcConnectionSpec("jdbc:mariadb://127.0.0.1:1/none", "u", "");
        RulecastConfig config =
                RulecastConfig.of(
                        Map.of(
                                "kafka.bootstrap.servers", "127.0.0.1:1",
                                "rules.jdbc.url", "jdbc:mariadb://127.0.0.1:1/none",
                                "topic.events", "events"));
        RulecastJob job =
                new RulecastJob(
                        config,
                        RulecastJob.kafkaEvents(config),
                        new RulesSource(db, Duration.ofMillis(500), Duration.ofSeconds(30)),
                        WideTableSink.builder().connection(db).allowedTables(Set.of("t")).build(),
                        w -> "k",
                        KafkaOutputs.sink("127.0.0.1:1", new Properties()),
                        new RoutingResources(new TableCatalog(db, Set.of("t")), db, List.of()));
        job.build(env);
        return env.getStreamGraph();
    }
}
