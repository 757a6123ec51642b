package io.rulecast.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.Json;
import io.rulecast.event.ParseResult;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.DependencyUnavailableException;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.ScriptRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's routing in one process, without Flink: events are parsed and keyed as the job's parse
 * stage does ({@link KeyPath}; no value there is a {@code NO_KEY} rejection), the rules of their
 * {@code (domain, event_type)} come from a {@link RuleTable} in the job's order, and each runs
 * through the job's {@link RuleRunner} over state kept in memory. What comes out goes to a {@link
 * Listener}; printing it is {@code rulecast replay}'s business, comparing it with the job is the
 * differential test's.
 *
 * <p>Unlike the job, a rule that does not compile stays in the table and fails each of its events
 * with {@code COMPILE_ERROR}, so that a replay shows it.
 */
public final class ReplayEngine implements AutoCloseable {
    /** What replaying an event gave, in order. */
    public interface Listener {
        /** Not an event, or an event without a key; {@code eventId} when the input had one. */
        void rejected(String eventId, DeadLetterReason reason, String message);

        /** One rule ran (or was refused by its breaker, or did not compile) over the event. */
        void ran(BusinessEvent event, RunningRule rule, String ruleName, RuleRunner.Run run);

        /**
         * A rollout candidate ran in shadow beside {@code ruleName} over the event (after {@link
         * #ran} of the live run).
         */
        default void shadowed(
                BusinessEvent event, String ruleName, CandidateRunner.Shadow shadow) {}

        /** No rule serves the event's {@code (domain, event_type)}. */
        default void unmatched(BusinessEvent event) {}
    }

    /** A rule in replay's table: ready to run, or the compile error it raises on every event. */
    private record Entry(RuleDefinition definition, RunningRule running, CompileException error)
            implements RuleTable.Ranked {
        @Override
        public RuleId ruleId() {
            return definition.id();
        }

        @Override
        public int priority() {
            return definition.priority();
        }
    }

    private final ScriptRuntime runtime;
    private final boolean ownsRuntime;
    private final RuleTable<RuleId, Entry> table = new RuleTable<>();
    private final Map<RuleId, CompileException> compileErrors = new LinkedHashMap<>();
    private final DimensionLookup dims;
    private final KeyPath keyPath;
    private final RuleRunner runner;
    private final CandidateRunner candidates;
    private final Map<RuleId, Rollout> rollouts = new LinkedHashMap<>();
    private final MemoryStateStore state = new MemoryStateStore();
    private final EventParser parser;

    /**
     * @param runtime compiles the rules
     * @param ownsRuntime whether {@link #close()} closes the runtime
     * @param rules the rules to run (disabled ones are skipped, as the job skips them)
     * @param dims {@code ctx.dim} lookups
     * @param keyPath the state key ({@code events.key.path})
     * @param breaker the job's {@code breaker.*} settings, or null for breakers that never open
     * @param check the table/column check of writes ({@link RuleRunner.WriteCheck#NONE} without a
     *     database)
     * @param maxEventBytes {@code events.max.size}
     */
    public ReplayEngine(
            ScriptRuntime runtime,
            boolean ownsRuntime,
            List<RuleDefinition> rules,
            DimensionLookup dims,
            KeyPath keyPath,
            CircuitBreaker.Settings breaker,
            RuleRunner.WriteCheck check,
            int maxEventBytes) {
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
        this.dims = dims == null ? DimensionLookup.NONE : dims;
        this.keyPath = keyPath;
        this.runner = new RuleRunner(check);
        this.candidates = new CandidateRunner(runner, Rollout.Settings.NEVER);
        this.parser = new EventParser(maxEventBytes);
        for (RuleDefinition r : rules) {
            if (!r.enabled()) {
                continue;
            }
            Entry e;
            try {
                CircuitBreaker b =
                        breaker == null
                                ? null
                                : new CircuitBreaker(breaker, System::currentTimeMillis);
                e =
                        new Entry(
                                r,
                                new RunningRule(r.id(), runtime.compile(r), r.priority(), b),
                                null);
            } catch (CompileException ex) {
                compileErrors.put(r.id(), ex);
                e = new Entry(r, null, ex);
            }
            table.put(r.id(), e);
        }
    }

    /**
     * Runs {@code candidate} in shadow beside the rule of the same id ({@code replay --candidate}):
     * after each live run of that rule, the candidate runs as the job runs a shadow candidate, and
     * the {@link Listener} hears how they compare. Replay never aborts the candidate: every event
     * is reported.
     *
     * @throws CompileException when the candidate does not compile
     * @throws IllegalArgumentException when no compiled rule has the candidate's id
     */
    public void shadow(RuleDefinition candidate) throws CompileException {
        Entry live = table.get(candidate.id());
        if (live == null || live.running() == null) {
            throw new IllegalArgumentException(
                    "no compiled rule " + candidate.id() + " to run the candidate beside");
        }
        RunningRule c =
                new RunningRule(candidate.id(), runtime.compile(candidate), live.priority(), null);
        rollouts.put(
                candidate.id(), new Rollout(c, Rollout.Mode.SHADOW, 0, live.running().version()));
    }

    /** Rules that did not compile; each raises a COMPILE_ERROR failure on its events. */
    public Map<RuleId, CompileException> compileErrors() {
        return compileErrors;
    }

    /** Keys with state so far. */
    public int stateKeys() {
        return state.keys();
    }

    /** Replays one record value as the job would receive it from Kafka without a key. */
    public void replay(byte[] rawValue, Listener out) throws Exception {
        ParseResult parsed = parser.parse(rawValue);
        if (parsed instanceof ParseResult.Rejected rej) {
            out.rejected(eventIdOf(rawValue), DeadLetterReason.of(rej.reason()), rej.message());
            return;
        }
        BusinessEvent event = ((ParseResult.Parsed) parsed).event();
        Map<String, Object> view = event.scriptView();
        String key = keyPath.resolve(view);
        if (key == null) {
            out.rejected(event.eventId(), DeadLetterReason.NO_KEY, keyPath.missing());
            return;
        }
        List<Entry> rules = table.rulesFor(event.domain(), event.type());
        if (rules.isEmpty()) {
            out.unmatched(event);
            return;
        }
        JsonStateStore store = state.forKey(key);
        for (Entry e : rules) {
            String name = e.definition().id().toString();
            if (e.error() != null) {
                out.ran(
                        event,
                        null,
                        name,
                        new RuleRunner.Run(
                                null,
                                DeadLetterReason.COMPILE_ERROR,
                                e.error().getMessage(),
                                List.of(),
                                List.of(),
                                CircuitBreaker.Transition.NONE));
                continue;
            }
            Rollout rollout = rollouts.isEmpty() ? null : rollouts.get(e.ruleId());
            candidates.beforeLive(rollout, store);
            RuleRunner.Run run = runner.run(e.running(), view, store, dims);
            if (run.dependencyUnavailable()) {
                // The job would wait and retry; replay runs once, so it stops and says why.
                throw new DependencyUnavailableException(
                        "event "
                                + event.eventId()
                                + ", rule "
                                + name
                                + ": "
                                + run.message()
                                + " (replay does not retry; the job waits for it)",
                        null);
            }
            out.ran(event, e.running(), name, run);
            CandidateRunner.Shadow shadow =
                    candidates.shadow(
                            e.running(), run, rollout, event.eventId(), view, store, dims);
            if (shadow != null) {
                out.shadowed(event, name, shadow);
            }
        }
    }

    /** The eventId of an input that was rejected, when it has one. */
    private static String eventIdOf(byte[] rawLine) {
        try {
            JsonNode n = Json.MAPPER.readTree(rawLine);
            JsonNode id = n == null ? null : n.get("eventId");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (ownsRuntime) {
            runtime.close();
        }
    }
}
