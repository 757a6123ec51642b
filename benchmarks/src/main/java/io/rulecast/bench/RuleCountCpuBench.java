package io.rulecast.bench;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.ParseResult;
import io.rulecast.routing.MemoryStateStore;
import io.rulecast.routing.RuleRunner;
import io.rulecast.routing.RuleTable;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU per event of the routing core with few and with many rules loaded, in one JVM and one thread,
 * the two taking turns (like {@link CpuTimeTable}): each side has its own {@link ScriptRuntime} and
 * {@link RuleTable}, one with the rules of the hot event types only, the other with all of them;
 * both route the same hot-type events (parse, look up the type's rules, run each through {@link
 * RuleRunner}). The job's measurement of the same thing swings with the machine's load; this one
 * leaves the job, Kafka and the sink out and keeps the JIT state the same for both.
 */
final class RuleCountCpuBench {
    private final ScriptRuntime runtime = new ScriptRuntime(RuntimeOptions.defaults());
    private final RuleTable<Long, RunningRule> table = new RuleTable<>();
    private final MemoryStateStore state = new MemoryStateStore();
    private final RuleRunner runner = new RuleRunner(RuleRunner.WriteCheck.NONE);

    private RuleCountCpuBench(List<ThousandRules.Rule> rules) throws Exception {
        long id = 0;
        for (ThousandRules.Rule r : rules) {
            RuleId rid = new RuleId("wrongbook", r.eventType(), r.name());
            table.put(
                    id++,
                    new RunningRule(
                            rid,
                            runtime.compile(
                                    new RuleDefinition(rid, r.language(), r.script(), r.config())),
                            100 - Integer.parseInt(r.name().substring(1)),
                            null));
        }
    }

    private void route(EventParser parser, byte[] bytes, DimensionLookup dims) throws Exception {
        BusinessEvent e = ((ParseResult.Parsed) parser.parse(bytes)).event();
        var view = e.scriptView();
        var key = state.forKey(String.valueOf(e.payload().get("userId")));
        for (RunningRule r : table.rulesFor(e.domain(), e.type())) {
            RuleRunner.Run run = runner.run(r, view, key, dims);
            if (!run.ok() && run.reason() != io.rulecast.routing.DeadLetterReason.TIMEOUT) {
                throw new IllegalStateException(r.name() + ": " + run.message());
            }
        }
    }

    /**
     * CPU ns per event with {@code hotTypes × 5} rules loaded and with {@code types × 5}: the
     * median of {@code rounds} alternating rounds of {@code seconds} of thread CPU each.
     */
    static double[] measure(int types, int hotTypes, int rounds, double seconds) throws Exception {
        List<ThousandRules.Rule> all = ThousandRules.rules(types);
        RuleCountCpuBench few = new RuleCountCpuBench(all.subList(0, hotTypes * 5));
        RuleCountCpuBench many = new RuleCountCpuBench(all);
        List<byte[]> events = ThousandRules.events(5000, hotTypes, "core", 13);
        DimensionLookup dims = BenchData.questions();
        EventParser parser = new EventParser();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        try {
            // Warm-up, not counted.
            for (int i = 0; i < 3; i++) {
                run(few, parser, events, dims, threads, seconds);
                run(many, parser, events, dims, threads, seconds);
            }
            for (int i = 0; i < rounds; i++) {
                a.add(run(few, parser, events, dims, threads, seconds));
                b.add(run(many, parser, events, dims, threads, seconds));
            }
        } finally {
            few.runtime.close();
            many.runtime.close();
        }
        a.sort(Double::compare);
        b.sort(Double::compare);
        return new double[] {a.get(a.size() / 2), b.get(b.size() / 2)};
    }

    private static double run(
            RuleCountCpuBench side,
            EventParser parser,
            List<byte[]> events,
            DimensionLookup dims,
            ThreadMXBean threads,
            double seconds)
            throws Exception {
        long budget = (long) (seconds * 1e9);
        long start = threads.getCurrentThreadCpuTime();
        long n = 0;
        while (threads.getCurrentThreadCpuTime() - start < budget) {
            for (int i = 0; i < 200; i++) {
                side.route(parser, events.get((int) (n++ % events.size())), dims);
            }
        }
        return (double) (threads.getCurrentThreadCpuTime() - start) / n;
    }
}
