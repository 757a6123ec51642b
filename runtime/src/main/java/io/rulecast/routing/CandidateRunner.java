package io.rulecast.routing;

import io.rulecast.runtime.DimensionLookup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a rule's rollout candidate beside its live version, the same way in the job and in replay.
 *
 * <p>Canary: {@link #serving} picks the version that serves an event by its state key; that run is
 * an ordinary run (state, outputs), and {@link Rollout#record} counts it if it was the candidate's.
 *
 * <p>Shadow: {@link #beforeLive} before the live run, {@link #shadow} after it: the candidate runs
 * on the same event view and dimensions, over a read-only view of the key's state as the live run
 * saw it, and its outputs are compared with the live run's as replay lines. Nothing of the shadow
 * run is applied. Its time bound is its own invocation's, as for any rule.
 *
 * <p>Version stamps ({@code config_json.version_column}) are added by {@link RuleRunner} to the
 * run's writes only; {@link ReplayLines#sameOutput} compares the invocations' own emissions, so the
 * stamp column never makes an event differ.
 */
public final class CandidateRunner {

    /**
     * What a shadow run gave.
     *
     * @param run the candidate's run
     * @param differing whether its outputs differ from the live run's
     * @param record when they differ: the shadow record of SPEC.md, else null
     * @param abortReason when this run aborted the rollout: why, else null
     */
    public record Shadow(
            RuleRunner.Run run,
            boolean differing,
            Map<String, Object> record,
            String abortReason) {}

    private final RuleRunner runner;
    private final Rollout.Settings settings;

    public CandidateRunner(RuleRunner runner, Rollout.Settings settings) {
        this.runner = runner;
        this.settings = settings;
    }

    public Rollout.Settings settings() {
        return settings;
    }

    /** The candidate when a canary serves {@code key}, else the live rule. */
    public RunningRule serving(RunningRule live, Rollout rollout, String key) {
        return rollout != null && rollout.serves(key) ? rollout.candidate() : live;
    }

    /** Before the live run of a rule: keeps what it overwrites when a shadow run follows. */
    public void beforeLive(Rollout rollout, JsonStateStore state) {
        if (rollout != null && rollout.shadows()) {
            state.captureBefore();
        }
    }

    /**
     * After the live run: runs the candidate in shadow and compares, or returns null when the rule
     * has no shadowing candidate, or when a dependency was unavailable to the candidate (that run
     * is neither compared nor counted).
     */
    public Shadow shadow(
            RunningRule live,
            RuleRunner.Run liveRun,
            Rollout rollout,
            String eventId,
            Map<String, Object> eventView,
            JsonStateStore state,
            DimensionLookup dims)
            throws Exception {
        if (rollout == null) {
            return null;
        }
        if (!rollout.shadows()) {
            state.endShadow();
            return null;
        }
        RuleRunner.Run run;
        try {
            run = runner.run(rollout.candidate(), eventView, state.shadowView(), dims);
        } finally {
            state.endShadow();
        }
        if (run.dependencyUnavailable()) {
            // A dimension lookup or the state could not answer the candidate: not its failure and
            // nothing to compare (the live run already succeeded; retrying would delay it).
            return null;
        }
        String abort = rollout.record(run, settings);
        if (ReplayLines.sameOutput(liveRun, run)) {
            return new Shadow(run, false, null, abort);
        }
        String rule = live.name();
        return new Shadow(
                run,
                true,
                record(
                        rule,
                        eventId,
                        live.version(),
                        rollout.candidateVersion(),
                        ReplayLines.of(eventId, rule, liveRun),
                        ReplayLines.of(eventId, rule, run)),
                abort);
    }

    /** {@code {"rule","eventId","liveVersion","candidateVersion","live":[…],"candidate":[…]}}. */
    public static Map<String, Object> record(
            String rule,
            String eventId,
            String liveVersion,
            String candidateVersion,
            List<Map<String, Object>> live,
            List<Map<String, Object>> candidate) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", rule);
        m.put("eventId", eventId);
        m.put("liveVersion", liveVersion);
        m.put("candidateVersion", candidateVersion);
        m.put("live", live);
        m.put("candidate", candidate);
        return m;
    }
}
