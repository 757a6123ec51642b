package io.rulecast.bench;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.Json;
import io.rulecast.event.ParseResult;
import io.rulecast.routing.CandidateRunner;
import io.rulecast.routing.JsonStateStore;
import io.rulecast.routing.MemoryStateStore;
import io.rulecast.routing.Rollout;
import io.rulecast.routing.RuleRunner;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The cost of a shadow rollout on the live path, in {@link CpuTimeTable}'s style (calling thread's
 * CPU time, variants interleaved in rounds): the wrongbook Groovy rule through the routing core's
 * {@link RuleRunner} alone, and the same with a shadow candidate of the same logic (another version
 * hash) run and compared by the routing core's {@link CandidateRunner}, as the job does. Target
 * (issue 14): at most 2.2× the CPU per event of the live rule alone.
 *
 * <p>Run: {@code java -cp benchmarks/target/rulecast-benchmarks.jar
 * io.rulecast.bench.RolloutCpuTable [seconds-per-round] [rounds]}
 */
public final class RolloutCpuTable {
    private final List<byte[]> events = BenchData.events(4096, 42);
    private final EventParser parser = new EventParser();
    private final DimensionLookup dims = BenchData.questions();
    private final ScriptRuntime runtime =
            new ScriptRuntime(RuntimeOptions.defaults().withTimeout(Duration.ofSeconds(5)));
    private final RuleRunner runner = new RuleRunner(RuleRunner.WriteCheck.NONE);
    private final CandidateRunner candidates = new CandidateRunner(runner, Rollout.Settings.NEVER);
    private final MemoryStateStore state = new MemoryStateStore();
    private final RunningRule live;
    private final Rollout rollout;
    private int next;
    private long differing;

    RolloutCpuTable() throws Exception {
        RuleId id = new RuleId("wrongbook", "wrongbook_add", "main");
        String script = BenchData.resource("wrongbook_add.groovy");
        String config = "{\"output_table\":\"dwd_wrongbook_wide\"}";
        live =
                new RunningRule(
                        id,
                        runtime.compile(new RuleDefinition(id, Language.GROOVY, script, config)),
                        0,
                        null);
        RunningRule candidate =
                new RunningRule(
                        id,
                        runtime.compile(
                                new RuleDefinition(
                                        id,
                                        Language.GROOVY,
                                        script + "\n// candidate: same logic, another version",
                                        config)),
                        0,
                        null);
        rollout = new Rollout(candidate, Rollout.Mode.SHADOW, 0, live.version());
    }

    private BusinessEvent nextEvent() {
        return ((ParseResult.Parsed) parser.parse(events.get(next++ & 4095))).event();
    }

    /** The live path: parse, run, serialize the writes (what the sink would get). */
    int liveAlone() {
        try {
            BusinessEvent e = nextEvent();
            Map<String, Object> view = e.scriptView();
            JsonStateStore s = state.forKey(e.eventId());
            return serialize(runner.run(live, view, s, dims));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The live path with a shadow candidate beside it. */
    int liveWithShadow() {
        try {
            BusinessEvent e = nextEvent();
            Map<String, Object> view = e.scriptView();
            JsonStateStore s = state.forKey(e.eventId());
            candidates.beforeLive(rollout, s);
            RuleRunner.Run run = runner.run(live, view, s, dims);
            CandidateRunner.Shadow shadow =
                    candidates.shadow(live, run, rollout, e.eventId(), view, s, dims);
            if (shadow.differing()) {
                differing++;
            }
            return serialize(run);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static int serialize(RuleRunner.Run run) {
        if (!run.ok()) {
            throw new IllegalStateException(run.reason() + ": " + run.message());
        }
        int bytes = 0;
        for (Emission w : run.writes()) {
            bytes += Json.write(((Emission.Upsert) w).row()).length();
        }
        return bytes;
    }

    public static void main(String[] args) throws Exception {
        double roundSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        RolloutCpuTable b = new RolloutCpuTable();
        Map<String, IntSupplier> ops = new LinkedHashMap<>();
        ops.put("Groovy rule through the routing core (live alone)", b::liveAlone);
        ops.put("live + shadow candidate of the same logic", b::liveWithShadow);
        Map<String, List<Double>> samples = CpuTimeTable.interleaved(ops, roundSeconds, rounds);
        b.runtime.close();
        double alone = CpuTimeTable.median(samples.values().iterator().next());
        System.out.printf(
                "%n| variant | CPU ns / event (median of %d) | events / CPU-second | ratio to live alone |%n",
                rounds);
        System.out.println("|---|---:|---:|---:|");
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            double ns = CpuTimeTable.median(e.getValue());
            System.out.printf(
                    "| %s | %,.0f | %,.0f | %.2f× |%n", e.getKey(), ns, 1e9 / ns, ns / alone);
        }
        System.out.printf("%nshadow records (differing events): %d (expected 0)%n", b.differing);
    }
}
