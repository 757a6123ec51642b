package io.rulecast.job.routing;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.Json;
import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.routing.CandidateRunner;
import io.rulecast.routing.JsonStateStore;
import io.rulecast.routing.Rollout;
import io.rulecast.routing.RuleRunner;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.DimensionLookup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Aborts restored from a checkpoint whose rule has not been seen since, by routing row id:
     * applied when the row comes back naming the same candidate version and mode, dropped when it
     * names another (or once the rules source's first read is through).
     */
    private final Map<Long, Abort> restoredAborts = new HashMap<>();

    /** A rollout candidate stopped on an instance, as checkpointed. */
    record Abort(long rowId, String candidateVersion, String mode, String reason) {
        String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rowId", rowId);
            m.put("candidateVersion", candidateVersion);
            m.put("mode", mode);
            m.put("reason", reason);
            return Json.write(m);
        }

        static Abort fromJson(String json) {
            Map<String, Object> m;
            try {
                m = Json.parseObject(json);
            } catch (Exception e) { // Jackson's checked exception: text that is not JSON
                throw new IllegalStateException("unreadable rollout abort in the checkpoint", e);
            }
            return new Abort(
                    ((Number) m.get("rowId")).longValue(),
                    (String) m.get("candidateVersion"),
                    (String) m.get("mode"),
                    (String) m.get("reason"));
        }
    }

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

    /** Aborts read from a checkpoint: they hold again once their rules come back. */
    void restoreAborts(Iterable<String> checkpointed) {
        for (String json : checkpointed) {
            Abort a = Abort.fromJson(json);
            restoredAborts.putIfAbsent(a.rowId(), a);
        }
    }

    /** What to checkpoint: the aborts of the running rules and those not matched yet. */
    List<String> aborts(Collection<ActiveRule> running) {
        Map<Long, Abort> all = new LinkedHashMap<>(restoredAborts);
        for (ActiveRule rule : running) {
            Rollout r = rule.rollout();
            if (r != null && r.aborted()) {
                all.put(
                        rule.row().id(),
                        new Abort(
                                rule.row().id(),
                                r.candidateVersion(),
                                r.mode().id(),
                                r.abortReason()));
            }
        }
        List<String> out = new ArrayList<>(all.size());
        all.values().forEach(a -> out.add(a.toJson()));
        return out;
    }

    /** The rules source's first read is through: restored aborts not matched by now are moot. */
    void synced() {
        restoredAborts.clear();
    }

    /**
     * A row's candidate changed: say so, and raise RULE_COMPILE_FAILED when it does not compile. A
     * candidate that was aborted before a restore stays aborted.
     */
    void changed(RuleRegistry.Applied a, Consumer<OutputMessage> out) {
        ActiveRule rule = a.active();
        Abort restored = rule == null ? null : restoredAborts.remove(rule.row().id());
        if (restored != null
                && rule.rollout() != null
                && rule.rollout()
                        .isFor(restored.candidateVersion(), Rollout.Mode.of(restored.mode()))) {
            rule.rollout().abortAgain(restored.reason());
            LOG.warn(
                    "{}: rollout of {} candidate {} stays aborted after the restore: {}",
                    where,
                    rule.name(),
                    restored.candidateVersion(),
                    restored.reason());
        }
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
