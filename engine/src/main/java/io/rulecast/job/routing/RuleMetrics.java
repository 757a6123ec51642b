package io.rulecast.job.routing;

import io.rulecast.runtime.Emission;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Flink metrics of one rule on one subtask, under the groups {@code domain}, {@code event_type} and
 * {@code rule} (tags in reporters that support them): {@code processed}, {@code failed}, {@code
 * deadLettered}, {@code latencyMicros} (histogram), {@code breakerState} (0 closed, 1 half-open, 2
 * open, -1 not running), {@code activeVersion}, one {@code running} gauge per version under the
 * group {@code version} (1 while that version runs, else 0: a numeric "running version" for
 * reporters such as Prometheus, which drop string gauges), and one {@code value} gauge per {@code
 * ctx.metric} name under the group {@code script_metric}. Groups are key/value groups, so
 * Prometheus gets them as the labels {@code domain}, {@code event_type}, {@code rule}, {@code
 * version}, {@code script_metric}.
 *
 * <p>Rollouts (SPEC.md "Safe rollout"): counters {@code shadowCompared}, {@code shadowDiffering},
 * {@code candidateFailed}, {@code canaryServed}, and the gauge {@code rolloutState} (0 none, 1
 * shadow, 2 canary, 3 aborted on this instance, 4 the candidate did not compile).
 *
 * <p>Created once per rule name and kept when the rule stops, because Flink cannot unregister a
 * metric group; the gauges then report the rule as not running.
 */
final class RuleMetrics {
    /** Distinct ctx.metric names tracked per rule; more would flood the metric system. */
    static final int MAX_SCRIPT_METRICS = 100;

    /** Versions with their own {@code running} gauge per rule; later ones are not reported. */
    static final int MAX_VERSIONS = 50;

    final Counter processed;
    final Counter failed;
    final Counter deadLettered;
    final Counter stuck;
    final Histogram latencyMicros;
    final Counter shadowCompared;
    final Counter shadowDiffering;
    final Counter candidateFailed;
    final Counter canaryServed;
    private final MetricGroup group;
    private final Map<String, Number> scriptMetrics = new HashMap<>();
    private final Set<String> versions = new HashSet<>();
    private volatile ActiveRule current;

    RuleMetrics(MetricGroup operatorGroup, String domain, String eventType, String ruleName) {
        this.group =
                operatorGroup
                        .addGroup("domain", domain)
                        .addGroup("event_type", eventType)
                        .addGroup("rule", ruleName);
        this.processed = group.counter("processed");
        this.failed = group.counter("failed");
        this.deadLettered = group.counter("deadLettered");
        this.stuck = group.counter("stuck");
        this.latencyMicros =
                group.histogram("latencyMicros", new DescriptiveStatisticsHistogram(1024));
        group.gauge(
                "breakerState",
                () -> {
                    ActiveRule r = current;
                    return r == null ? -1 : r.breaker().state().code();
                });
        this.shadowCompared = group.counter("shadowCompared");
        this.shadowDiffering = group.counter("shadowDiffering");
        this.candidateFailed = group.counter("candidateFailed");
        this.canaryServed = group.counter("canaryServed");
        group.gauge(
                "rolloutState",
                () -> {
                    ActiveRule r = current;
                    return r == null ? 0 : r.rolloutState();
                });
        group.gauge(
                "activeVersion",
                () -> {
                    ActiveRule r = current;
                    return r == null ? "" : r.version();
                });
    }

    /** The rule these metrics now describe (null when it stopped). */
    void track(ActiveRule rule) {
        this.current = rule;
        if (rule != null && versions.size() < MAX_VERSIONS && versions.add(rule.version())) {
            String version = rule.version();
            group.addGroup("version", version)
                    .gauge(
                            "running",
                            () -> {
                                ActiveRule r = current;
                                return r != null && r.version().equals(version) ? 1 : 0;
                            });
        }
    }

    void scriptMetric(Emission.Metric m) {
        String name = m.name();
        if (scriptMetrics.containsKey(name)) {
            scriptMetrics.put(name, m.value());
        } else if (scriptMetrics.size() < MAX_SCRIPT_METRICS) {
            scriptMetrics.put(name, m.value());
            group.addGroup("script_metric", name)
                    .gauge("value", () -> scriptMetrics.getOrDefault(name, 0));
        }
    }
}
