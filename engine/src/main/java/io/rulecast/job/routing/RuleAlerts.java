package io.rulecast.job.routing;

import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Guard;
import io.rulecast.runtime.Outcome;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts the routing function raises about a rule (not the rule's own {@code ctx.alert}s): a
 * version that does not compile, a thread that was stuck in a rule, a breaker that opened. Each is
 * logged once and made into the message for the alerts topic; the caller sends it.
 */
final class RuleAlerts {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingFunction.class);

    private final RoutingSettings settings;
    private final String where;
    private final boolean reportsRuleAlerts;

    /**
     * @param where the routing subtask, for logs and alert fields
     * @param reportsRuleAlerts whether this instance reports what every instance sees alike
     *     (compile failures: subtask 0 only)
     */
    RuleAlerts(RoutingSettings settings, String where, boolean reportsRuleAlerts) {
        this.settings = settings;
        this.where = where;
        this.reportsRuleAlerts = reportsRuleAlerts;
    }

    /** {@code RULE_COMPILE_FAILED} for a row whose version does not compile (subtask 0 only). */
    void compileFailed(RuleRegistry.Applied a, Consumer<OutputMessage> messages) {
        RoutingRow row = a.row();
        String rule = row.ruleId().toString();
        CompileException e = a.error();
        String keeps =
                a.previous() == null
                        ? "the rule does not run"
                        : "version " + a.previous().version() + " keeps running";
        if (!reportsRuleAlerts) {
            return;
        }
        LOG.warn(
                "Rule {} version {} does not compile ({}): {}",
                rule,
                row.version(),
                keeps,
                e.getMessage());
        messages.accept(
                compileAlert(
                        rule,
                        row.version(),
                        e,
                        row.id(),
                        a.previous() == null ? null : a.previous().version(),
                        false,
                        "rule "
                                + rule
                                + " version "
                                + row.version()
                                + " does not compile: "
                                + e.getMessage()
                                + "; "
                                + keeps));
    }

    /**
     * {@code RULE_COMPILE_FAILED} with {@code "candidate": true}: a row's rollout candidate does
     * not compile; it never runs and the live version keeps running (subtask 0 only).
     */
    void candidateCompileFailed(
            ActiveRule rule, long rowId, CompileException e, Consumer<OutputMessage> messages) {
        if (!reportsRuleAlerts) {
            return;
        }
        String version = rule.failedCandidate();
        LOG.warn(
                "Rule {} candidate version {} does not compile (version {} keeps running): {}",
                rule.name(),
                version,
                rule.version(),
                e.getMessage());
        messages.accept(
                compileAlert(
                        rule.name(),
                        version,
                        e,
                        rowId,
                        rule.version(),
                        true,
                        "rollout candidate of rule "
                                + rule.name()
                                + " version "
                                + version
                                + " does not compile: "
                                + e.getMessage()
                                + "; it never runs, version "
                                + rule.version()
                                + " keeps running"));
    }

    private OutputMessage compileAlert(
            String rule,
            String version,
            CompileException e,
            long rowId,
            String runningVersion,
            boolean candidate,
            String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (candidate) {
            fields.put("candidate", true);
        }
        fields.put("error", e.detail());
        fields.put("line", e.line());
        fields.put("column", e.column());
        fields.put("id", rowId);
        fields.put("runningVersion", runningVersion);
        return Messages.systemAlert(
                settings.alertsTopic(),
                Messages.RULE_COMPILE_FAILED,
                "ERROR",
                message,
                fields,
                rule,
                version,
                null,
                System.currentTimeMillis());
    }

    /**
     * {@code RULE_STUCK}: the invocation kept the task thread far beyond its budget (the watchdog
     * logged its stack meanwhile); said now that the thread is back.
     */
    OutputMessage stuck(ActiveRule rule, String eventId, Outcome o) {
        long elapsedMs = o.nanos() / 1_000_000;
        long timeoutMs = settings.runtimeOptions().timeout().toMillis();
        LOG.error(
                "{}: {} was stuck for {} ms (timeout {} ms) in a call that ignores cancellation",
                where,
                rule.name(),
                elapsedMs,
                timeoutMs);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("elapsedMs", elapsedMs);
        fields.put("timeoutMs", timeoutMs);
        fields.put("subtask", where);
        return Messages.systemAlert(
                settings.alertsTopic(),
                Messages.RULE_STUCK,
                "ERROR",
                rule.name()
                        + " kept its task thread for "
                        + elapsedMs
                        + " ms, more than "
                        + Guard.STUCK_FACTOR
                        + " x script.timeout, in a call that ignores cancellation;"
                        + " consider disabling it (docs/operations.md, A stuck rule)",
                fields,
                rule.name(),
                rule.version(),
                eventId,
                System.currentTimeMillis());
    }

    /** {@code CIRCUIT_OPEN}: the rule's breaker opened on this instance. */
    OutputMessage breakerOpened(ActiveRule rule, String eventId, long now) {
        CircuitBreaker b = rule.breaker();
        LOG.warn(
                "{}: circuit breaker of {} opened after {} failures in {} invocations",
                where,
                rule.name(),
                b.failuresInWindow(),
                b.callsInWindow());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("failures", b.failuresInWindow());
        fields.put("invocations", b.callsInWindow());
        fields.put("window", settings.breaker().window().toString());
        fields.put("cooldown", settings.breaker().cooldown().toString());
        fields.put("subtask", where);
        return Messages.systemAlert(
                settings.alertsTopic(),
                Messages.CIRCUIT_OPEN,
                "ERROR",
                "circuit breaker of "
                        + rule.name()
                        + " opened after "
                        + b.failuresInWindow()
                        + " failures; its events go to the dead-letter topic until it"
                        + " recovers",
                fields,
                rule.name(),
                rule.version(),
                eventId,
                now);
    }
}
