package io.rulecast.job.routing;

import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastOptions;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.Rollout;
import io.rulecast.runtime.RuntimeOptions;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the routing function needs from the configuration; serializable with the function.
 *
 * @param holdMaxEvents {@code routing.hold.max-events}: most events one instance holds while it
 *     waits for the rules
 * @param holdAlertAfter {@code routing.hold.alert-after}: how long it holds before it alerts
 */
public record RoutingSettings(
        String alertsTopic,
        String metricsTopic,
        String dlqTopic,
        boolean unroutedDeadLetter,
        CircuitBreaker.Settings breaker,
        Duration scriptTimeout,
        long scriptMemoryLimitBytes,
        int scriptOutputLimit,
        Duration stateTtl,
        int holdMaxEvents,
        Duration holdAlertAfter,
        String shadowTopic,
        Rollout.Settings rollout)
        implements Serializable {

    public static RoutingSettings from(RulecastConfig c) {
        return new RoutingSettings(
                c.get(RulecastOptions.TOPIC_ALERTS),
                c.get(RulecastOptions.TOPIC_METRICS),
                c.get(RulecastOptions.TOPIC_DLQ),
                c.get(RulecastOptions.EVENTS_UNROUTED_DEAD_LETTER),
                new CircuitBreaker.Settings(
                        c.get(RulecastOptions.BREAKER_FAILURE_THRESHOLD),
                        c.get(RulecastOptions.BREAKER_FAILURE_RATE),
                        c.get(RulecastOptions.BREAKER_WINDOW),
                        c.get(RulecastOptions.BREAKER_COOLDOWN),
                        c.get(RulecastOptions.BREAKER_HALF_OPEN_SUCCESSES)),
                c.get(RulecastOptions.SCRIPT_TIMEOUT),
                c.get(RulecastOptions.SCRIPT_MEMORY_LIMIT).getBytes(),
                c.get(RulecastOptions.SCRIPT_OUTPUT_LIMIT),
                c.get(RulecastOptions.STATE_TTL),
                c.get(RulecastOptions.ROUTING_HOLD_MAX_EVENTS),
                c.get(RulecastOptions.ROUTING_HOLD_ALERT_AFTER),
                c.get(RulecastOptions.TOPIC_SHADOW),
                new Rollout.Settings(
                        c.get(RulecastOptions.ROLLOUT_MAX_FAILURE_RATE),
                        c.get(RulecastOptions.ROLLOUT_MIN_EVENTS)));
    }

    /** The bounds of every invocation. */
    public RuntimeOptions runtimeOptions() {
        return RuntimeOptions.defaults()
                .withTimeout(scriptTimeout)
                .withMemoryLimit(scriptMemoryLimitBytes)
                .withOutputLimit(scriptOutputLimit);
    }
}
