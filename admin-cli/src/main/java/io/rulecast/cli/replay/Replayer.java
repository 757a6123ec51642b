package io.rulecast.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.Json;
import io.rulecast.event.ParseResult;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Failure;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.StateStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs events through rules the way the job does, in-process: the engine's own {@link
 * ScriptRuntime}, state in memory keyed by the key path, dimensions from JSONL files. Produces the
 * lines of SPEC.md "Replay output" in order: events in input order, within an event the rules by
 * priority (higher first, then by name), within a rule its emissions in order.
 *
 * <p>Used by {@code rulecast replay}, {@code push --replay}, the demo and the examples' golden
 * test.
 */
public final class Replayer implements AutoCloseable {
    private static final Comparator<RuleDefinition> RUN_ORDER =
            Comparator.comparingInt(RuleDefinition::priority)
                    .reversed()
                    .thenComparing(r -> r.id().name());

    private final ScriptRuntime runtime;
    private final boolean ownsRuntime;
    private final Map<String, List<Prepared>> rulesByRoute = new LinkedHashMap<>();
    private final Map<RuleId, CompileException> compileErrors = new LinkedHashMap<>();
    private final DimensionLookup dims;
    private final String[] keyPath;
    private final MemoryStateStore state = new MemoryStateStore();
    private final EventParser parser = new EventParser();
    private final Stats stats = new Stats();

    /** A rule ready to run, or the compile error it raises on every event. */
    private static final class Prepared {
        final RuleDefinition definition;
        final CompiledRule compiled;
        final Failure compileFailure;

        Prepared(RuleDefinition definition, CompiledRule compiled, Failure compileFailure) {
            this.definition = definition;
            this.compiled = compiled;
            this.compileFailure = compileFailure;
        }
    }

    /** Counts of what a replay saw, for the summary line. */
    public static final class Stats {
        public long events;
        public long rejected;
        public long outputs;
        public long failures;
        public long unmatched;
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
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
        this.dims = dims == null ? DimensionLookup.NONE : dims;
        this.keyPath = (keyPath == null || keyPath.isBlank() ? "eventId" : keyPath).split("\\.");
        List<RuleDefinition> sorted = new ArrayList<>();
        for (RuleDefinition r : rules) {
            if (r.enabled()) {
                sorted.add(r);
            }
        }
        sorted.sort(RUN_ORDER);
        for (RuleDefinition r : sorted) {
            Prepared p;
            try {
                p = new Prepared(r, runtime.compile(r), null);
            } catch (CompileException e) {
                compileErrors.put(r.id(), e);
                p = new Prepared(r, null, new Failure(FailureReason.COMPILE_ERROR, e.getMessage()));
            }
            rulesByRoute
                    .computeIfAbsent(
                            route(r.id().domain(), r.id().eventType()), k -> new ArrayList<>())
                    .add(p);
        }
    }

    /** Rules that did not compile; each raises a COMPILE_ERROR failure line on its events. */
    public Map<RuleId, CompileException> compileErrors() {
        return compileErrors;
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
        ParseResult parsed = parser.parse(rawValue);
        if (parsed instanceof ParseResult.Rejected rej) {
            stats.rejected++;
            out.accept(
                    ReplayLines.rejected(eventIdOf(rawValue), rej.reason().name(), rej.message()));
            return;
        }
        BusinessEvent event = ((ParseResult.Parsed) parsed).event();
        List<Prepared> rules = rulesByRoute.get(route(event.domain(), event.type()));
        if (rules == null) {
            stats.unmatched++;
            return;
        }
        Map<String, Object> view = event.scriptView();
        String key = keyOf(view);
        StateStore store = state.forKey(key);
        for (Prepared p : rules) {
            String rule = p.definition.id().toString();
            if (p.compileFailure != null) {
                stats.failures++;
                out.accept(ReplayLines.failure(event.eventId(), rule, p.compileFailure));
                continue;
            }
            Outcome o = p.compiled.invoke(view, store, dims);
            if (o.failed()) {
                stats.failures++;
                out.accept(ReplayLines.failure(event.eventId(), rule, o.failure()));
            } else {
                for (Emission e : o.emissions()) {
                    stats.outputs++;
                    out.accept(ReplayLines.emission(event.eventId(), rule, e));
                }
            }
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
        return out;
    }

    private String keyOf(Map<String, Object> view) {
        Object v = view;
        for (String part : keyPath) {
            if (!(v instanceof Map<?, ?> m)) {
                v = null;
                break;
            }
            v = m.get(part);
        }
        return v == null ? "" : JsonlDimensions.keyOf(v);
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

    private static String route(String domain, String type) {
        return domain + '\u0000' + type;
    }

    @Override
    public void close() {
        if (ownsRuntime) {
            runtime.close();
        }
    }
}
