package io.rulecast.cli.replay;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.routing.CandidateRunner;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.routing.KeyPath;
import io.rulecast.routing.ReplayEngine;
import io.rulecast.routing.ReplayLines;
import io.rulecast.routing.RuleRunner;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs events through rules the way the job does, in-process: the routing core's {@link
 * ReplayEngine} (the job's key path, rule order and rule runner, the engine's own {@link
 * ScriptRuntime}), state in memory, dimensions from JSONL files. Produces the lines of SPEC.md
 * "Replay output" in order: events in input order, within an event the rules by priority (higher
 * first, then by name), within a rule its emissions in order. Breakers never open in replay: its
 * output does not depend on how fast it runs.
 *
 * <p>Used by {@code rulecast replay}, {@code push --replay}, the demo and the examples' golden
 * test.
 */
public final class Replayer implements AutoCloseable {
    private final ReplayEngine engine;
    private final Stats stats = new Stats();
    private boolean candidate;

    /** Counts of what a replay saw, for the summary line. */
    public static final class Stats {
        public long events;
        public long rejected;
        public long outputs;
        public long failures;
        public long unmatched;

        /** With a candidate: events it ran on in shadow, those whose outputs differed, failed. */
        public long compared;

        public long differing;
        public long candidateFailed;
    }

    /**
     * @param rules the rules to run (disabled ones are skipped, as the job skips them)
     * @param dims {@code ctx.dim} lookups
     * @param keyPath dotted path in the event of the state key ({@code eventId} by default)
     */
    public Replayer(
            List<RuleDefinition> rules,
            RuntimeOptions options,
            DimensionLookup dims,
            String keyPath) {
        this(new ScriptRuntime(options), true, rules, dims, keyPath);
    }

    /** As above, compiling with a runtime the caller owns (and closes). */
    public Replayer(
            ScriptRuntime runtime,
            List<RuleDefinition> rules,
            DimensionLookup dims,
            String keyPath) {
        this(runtime, false, rules, dims, keyPath);
    }

    private Replayer(
            ScriptRuntime runtime,
            boolean ownsRuntime,
            List<RuleDefinition> rules,
            DimensionLookup dims,
            String keyPath) {
        this.engine =
                new ReplayEngine(
                        runtime,
                        ownsRuntime,
                        rules,
                        dims,
                        new KeyPath(keyPath == null || keyPath.isBlank() ? "eventId" : keyPath),
                        null,
                        RuleRunner.WriteCheck.NONE,
                        EventParser.DEFAULT_MAX_BYTES);
    }

    /**
     * Runs {@code candidate} in shadow beside the rule of the same id ({@code replay --candidate}):
     * from then on the output is one shadow record per event whose candidate outputs differ
     * (SPEC.md "Safe rollout"), and {@link #trailer()} is the summary line.
     *
     * @throws CompileException when the candidate does not compile
     */
    public void shadow(RuleDefinition candidateRule) throws CompileException {
        engine.shadow(candidateRule);
        candidate = true;
    }

    /**
     * Lines after the last event: with a candidate, {@code {"summary":{"events","compared",
     * "differing","candidateFailed"}}}; else none.
     */
    public List<Map<String, Object>> trailer() {
        if (!candidate) {
            return List.of();
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("events", stats.events);
        counts.put("compared", stats.compared);
        counts.put("differing", stats.differing);
        counts.put("candidateFailed", stats.candidateFailed);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("summary", counts);
        return List.of(line);
    }

    /** Rules that did not compile; each raises a COMPILE_ERROR failure line on its events. */
    public Map<RuleId, CompileException> compileErrors() {
        return engine.compileErrors();
    }

    public Stats stats() {
        return stats;
    }

    /** Replays one input line (one event); hands each output line to {@code out}, in order. */
    public void replay(String rawLine, Consumer<Map<String, Object>> out) {
        replay(rawLine.getBytes(StandardCharsets.UTF_8), out);
    }

    /**
     * Replays one record value as the job would receive it from Kafka (bytes, so that bad UTF-8 is
     * rejected as it is in the job); hands each output line to {@code out}, in order.
     */
    public void replay(byte[] rawValue, Consumer<Map<String, Object>> out) {
        stats.events++;
        try {
            engine.replay(rawValue, new Lines(out));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("replay failed: " + e.getMessage(), e);
        }
    }

    /** Replays every line (blank lines skipped) and returns the output lines as JSON text. */
    public List<String> replayAll(List<String> rawLines) {
        List<String> out = new ArrayList<>();
        for (String line : rawLines) {
            if (!line.isBlank()) {
                replay(line, m -> out.add(ReplayLines.format(m)));
            }
        }
        trailer().forEach(m -> out.add(ReplayLines.format(m)));
        return out;
    }

    /** The engine's results as replay lines, counted. */
    private final class Lines implements ReplayEngine.Listener {
        private final Consumer<Map<String, Object>> out;

        Lines(Consumer<Map<String, Object>> out) {
            this.out = out;
        }

        @Override
        public void rejected(String eventId, DeadLetterReason reason, String message) {
            stats.rejected++;
            if (!candidate) {
                out.accept(ReplayLines.rejected(eventId, reason.name(), message));
            }
        }

        @Override
        public void ran(
                BusinessEvent event, RunningRule rule, String ruleName, RuleRunner.Run run) {
            if (candidate) {
                // the live run's lines are in the shadow records of the events that differ
                if (run.ok()) {
                    stats.outputs += run.outcome().emissions().size();
                } else {
                    stats.failures++;
                }
                return;
            }
            if (!run.ok()) {
                stats.failures++;
                out.accept(
                        ReplayLines.failure(
                                event.eventId(), ruleName, run.reason().name(), run.message()));
                return;
            }
            for (Emission e : run.outcome().emissions()) {
                stats.outputs++;
                out.accept(ReplayLines.emission(event.eventId(), ruleName, e));
            }
        }

        @Override
        public void shadowed(BusinessEvent event, String ruleName, CandidateRunner.Shadow s) {
            stats.compared++;
            if (s.run().invoked() && !s.run().ok()) {
                stats.candidateFailed++;
            }
            if (s.differing()) {
                stats.differing++;
                out.accept(s.record());
            }
        }

        @Override
        public void unmatched(BusinessEvent event) {
            stats.unmatched++;
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
