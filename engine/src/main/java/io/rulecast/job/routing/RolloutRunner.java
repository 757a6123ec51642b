package io.rulecast.job.routing;

import io.rulecast.event.BusinessEvent;
import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.routing.CandidateRunner;
import io.rulecast.routing.JsonStateStore;
import io.rulecast.routing.Rollout;
import io.rulecast.routing.RuleRunner;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.DimensionLookup;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's side of a rollout (SPEC.md "Safe rollout"), around each rule run of the {@link
 * RoutingFunction}: which version serves an event ({@link #serving}), and after the run the
 * canary's counts or the shadow run, the shadow records on {@code topic.shadow}, the rollout
 * metrics and the {@code ROLLOUT_ABORTED} alert. How the candidate runs is the routing core's
 * {@link CandidateRunner}, which replay uses too. Not thread-safe: one per routing instance.
 */
final class RolloutRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutRunner.class);

    private final RoutingSettings settings;
    private final RuleAlerts alerts;
    private final CandidateRunner candidates;
    private final String where;
    private final boolean reportsRuleAlerts;

    RolloutRunner(
            RoutingSettings settings,
            RuleRunner runner,
            String where,
            boolean reportsRuleAlerts,
            RuleAlerts alerts) {
        this.settings = settings;
        this.alerts = alerts;
        this.candidates = new CandidateRunner(runner, settings.rollout());
        this.where = where;
        this.reportsRuleAlerts = reportsRuleAlerts;
    }

    /**
     * The rule that serves this event: the candidate when a canary serves the state key, else the
     * live rule (which a shadow candidate will follow: its state writes are then kept aside).
     */
    ActiveRule serving(ActiveRule rule, JsonStateStore state, String key) {
        Rollout r = rule.rollout();
        if (r == null) {
            return rule;
        }
        if (r.serves(key)) {
            return rule.asCandidate();
        }
        candidates.beforeLive(r, state);
        return rule;
    }

    /** After {@code served} ran over the event on behalf of {@code rule}. */
    void after(
            ActiveRule rule,
            ActiveRule served,
            RuleRunner.Run run,
            BusinessEvent event,
            Map<String, Object> view,
            JsonStateStore state,
            DimensionLookup dims,
            RuleMetrics metrics,
            Consumer<OutputMessage> out)
            throws Exception {
        Rollout r = rule.rollout();
        if (r == null || run == null) {
            return;
        }
        if (served != rule) {
            metrics.canaryServed.inc();
            if (run.invoked() && !run.ok()) {
                metrics.candidateFailed.inc();
            }
            String abort = r.record(run, settings.rollout());
            if (abort != null) {
                aborted(rule, r, abort, event, out);
            }
            return;
        }
        CandidateRunner.Shadow s =
                candidates.shadow(rule.running(), run, r, event.eventId(), view, state, dims);
        if (s == null) {
            return;
        }
        metrics.shadowCompared.inc();
        if (s.run().invoked() && !s.run().ok()) {
            metrics.candidateFailed.inc();
        }
        if (s.differing()) {
            metrics.shadowDiffering.inc();
            out.accept(Messages.shadow(settings.shadowTopic(), rule.name(), s.record()));
        }
        if (s.abortReason() != null) {
            aborted(rule, r, s.abortReason(), event, out);
        }
    }

    /**
     * A row's candidate changed: say so, and raise RULE_COMPILE_FAILED when it does not compile.
     */
    void changed(RuleRegistry.Applied a, Consumer<OutputMessage> out) {
        ActiveRule rule = a.active();
        if (rule == null || !reportsRuleAlerts) {
            return;
        }
        Rollout before = a.previous() == null ? null : a.previous().rollout();
        if (rule.rollout() != null && rule.rollout() != before) {
            LOG.info("Rule {} rollout: {}", rule.name(), rule.rollout());
        } else if (rule.rollout() == null && before != null && rule.failedCandidate() == null) {
            LOG.info("Rule {} rollout ended ({} serves)", rule.name(), rule.version());
        }
        CompileException e = a.candidateError();
        if (e == null) {
            return;
        }
        alerts.candidateCompileFailed(rule, a.row().id(), e, out);
    }

    private void aborted(
            ActiveRule rule,
            Rollout r,
            String reason,
            BusinessEvent event,
            Consumer<OutputMessage> out) {
        LOG.warn(
                "{}: rollout of {} candidate {} aborted: {}",
                where,
                rule.name(),
                r.candidateVersion(),
                reason);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("rule", rule.name());
        fields.put("liveVersion", rule.version());
        fields.put("candidateVersion", r.candidateVersion());
        fields.put("reason", reason);
        fields.put("mode", r.mode().id());
        fields.put("invocations", r.invocations());
        fields.put("failures", r.failures());
        fields.put("subtask", where);
        out.accept(
                Messages.systemAlert(
                        settings.alertsTopic(),
                        Messages.ROLLOUT_ABORTED,
                        "ERROR",
                        "rollout of "
                                + rule.name()
                                + " candidate "
                                + r.candidateVersion()
                                + " aborted on "
                                + where
                                + ": "
                                + reason
                                + "; version "
                                + rule.version()
                                + " serves every event",
                        fields,
                        rule.name(),
                        rule.version(),
                        event.eventId(),
                        System.currentTimeMillis()));
    }
}
