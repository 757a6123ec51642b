package io.rulecast.job;

import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import java.time.Duration;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The job's state descriptors and side outputs, declared together. */
public final class Descriptors {
    private Descriptors() {}

    /**
     * Broadcast state: the routing rows each instance runs, by id. A restored job compiles these
     * before it processes events, so it keeps serving the last good versions even if the rules
     * database is unreachable at start-up.
     */
    public static final MapStateDescriptor<Long, RoutingRow> RULES =
            new MapStateDescriptor<>(
                    "routing-rules",
                    BasicTypeInfo.LONG_TYPE_INFO,
                    TypeInformation.of(RoutingRow.class));

    /**
     * Events of one key held by a fresh job until its first complete rules snapshot arrives, so
     * that none is taken for "no rule serves it" while the rules are still on their way.
     */
    public static final ListStateDescriptor<io.rulecast.job.events.RoutedEvent> WAITING_FOR_RULES =
            new ListStateDescriptor<>(
                    "waiting-for-rules",
                    TypeInformation.of(io.rulecast.job.events.RoutedEvent.class));

    /** Alerts, metrics and dead letters: everything bound for the job's Kafka topics. */
    /**
     * Rollout candidates aborted on a routing instance (union list state: after a restore every
     * instance learns every abort), one JSON object each: row id, candidate version, mode, reason.
     */
    public static final ListStateDescriptor<String> ROLLOUT_ABORTS =
            new ListStateDescriptor<>("rollout-aborts", BasicTypeInfo.STRING_TYPE_INFO);

    public static final OutputTag<OutputMessage> MESSAGES =
            new OutputTag<>("messages", TypeInformation.of(OutputMessage.class));

    /**
     * {@code ctx.state} of the current key: name → JSON text, entries expiring after {@code ttl}.
     */
    public static MapStateDescriptor<String, String> scriptState(Duration ttl) {
        MapStateDescriptor<String, String> d =
                new MapStateDescriptor<>(
                        "script-state",
                        BasicTypeInfo.STRING_TYPE_INFO,
                        BasicTypeInfo.STRING_TYPE_INFO);
        d.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        return d;
    }
}
