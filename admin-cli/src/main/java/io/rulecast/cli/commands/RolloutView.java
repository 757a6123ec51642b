package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.db.Rollout;
import io.rulecast.cli.status.ShadowSamples;
import io.rulecast.cli.status.StatusReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code rollout status} adds to the stored rollout: the running job's counts of the candidate
 * (Flink REST, summed over routing instances) and the latest differing events (the shadow topic).
 * Neither is required: an unreachable job or broker is one line, not an error.
 */
final class RolloutView {
    private static final int CLIP = 240;

    private RolloutView() {}

    /** The job's numbers of one rule, or why there are none. */
    record JobCounts(String unavailable, long processed, StatusReader.Candidate candidate) {
        String describe() {
            if (unavailable != null) {
                return unavailable;
            }
            StatusReader.Candidate c = candidate;
            StringBuilder s = new StringBuilder(c.stateName());
            s.append(" — ").append(processed).append(" events");
            if (c.state() == 1 || c.compared() > 0) {
                s.append(", shadow compared ")
                        .append(c.compared())
                        .append(", differing ")
                        .append(c.differing())
                        .append(percent(c.differing(), c.compared()));
            }
            if (c.state() == 2 || c.canaryServed() > 0) {
                s.append(", canary served ")
                        .append(c.canaryServed())
                        .append(percent(c.canaryServed(), processed));
            }
            s.append(", candidate failed ").append(c.failed());
            if (c.state() == 3) {
                s.append(" (aborted on at least one instance: see the ROLLOUT_ABORTED alert)");
            }
            return s.toString();
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (unavailable != null) {
                m.put("unavailable", unavailable);
                return m;
            }
            m.put("state", candidate.stateName());
            m.put("events", processed);
            m.put("compared", candidate.compared());
            m.put("differing", candidate.differing());
            m.put("canaryServed", candidate.canaryServed());
            m.put("candidateFailed", candidate.failed());
            return m;
        }
    }

    static JobCounts jobCounts(String flinkRest, String job, String rule) {
        StatusReader.Sample s;
        try {
            s = new StatusReader(flinkRest, job).sample();
        } catch (StatusReader.UnreachableException e) {
            return new JobCounts("not reachable: " + e.getMessage(), 0, null);
        }
        StatusReader.RuleSample r = s.rules().get(rule);
        if (r == null) {
            return new JobCounts("job " + s.jobName() + " has not run " + rule + " yet", 0, null);
        }
        return new JobCounts(null, r.processed(), r.candidate());
    }

    static List<ShadowSamples.Sample> samples(RolloutStatusCommand c, Rollout r, String rule) {
        if (c.bootstrapServers == null || c.bootstrapServers.isBlank() || c.samples == 0) {
            return List.of();
        }
        try {
            return ShadowSamples.latest(
                    c.bootstrapServers,
                    c.shadowTopic,
                    rule,
                    r.candidateVersion(),
                    c.samples,
                    Duration.ofSeconds(10));
        } catch (ShadowSamples.UnreadableException e) {
            throw CliException.unreachable(e.getMessage(), e);
        }
    }

    static String clip(String s) {
        return s.length() <= CLIP ? s : s.substring(0, CLIP) + "…";
    }

    private static String percent(long part, long whole) {
        return whole <= 0 ? "" : String.format(Locale.ROOT, " (%.1f%%)", 100.0 * part / whole);
    }
}
