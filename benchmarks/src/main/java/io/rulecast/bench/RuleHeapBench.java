package io.rulecast.bench;

import io.rulecast.event.EventParser;
import io.rulecast.event.ParseResult;
import io.rulecast.routing.MemoryStateStore;
import io.rulecast.routing.RuleTable;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Heap and metaspace per cached rule: compiles {@code n} distinct rules of one language through one
 * {@link ScriptRuntime} (what one routing instance holds), runs each once (so its call sites,
 * meta-class or context are what a running rule holds), and compares used heap after a full GC and
 * used metaspace before and after. The runtime's engines are started and warmed up before the first
 * measurement, so the deltas are the rules' own.
 */
final class RuleHeapBench {

    /** What {@code n} rules of one language cost. */
    record Result(
            Language language,
            int rules,
            long compiledHeapBytes,
            long heapBytes,
            long metaspaceBytes,
            double compileMs,
            double firstRunMs) {
        /** After compiling and running each rule once. */
        double heapKbPerRule() {
            return heapBytes / 1024.0 / rules;
        }

        /** After compiling only: a rule whose events have not come yet. */
        double compiledHeapKbPerRule() {
            return compiledHeapBytes / 1024.0 / rules;
        }

        double metaspaceKbPerRule() {
            return metaspaceBytes / 1024.0 / rules;
        }
    }

    private RuleHeapBench() {}

    static Result measure(Language language, int n) throws Exception {
        DimensionLookup dims = BenchData.questions();
        MemoryStateStore state = new MemoryStateStore();
        Map<String, Object> view =
                ((ParseResult.Parsed)
                                new EventParser()
                                        .parse(ThousandRules.events(1, 1, "heap", 3).get(0)))
                        .event()
                        .scriptView();
        List<ThousandRules.Rule> rules = new ArrayList<>();
        for (int t = 0; rules.size() < n; t++) {
            for (int k = 0; k < ThousandRules.PER_TYPE && rules.size() < n; k++) {
                ThousandRules.Rule r = ThousandRules.rule(t, k, 0);
                if (r.language() == language) {
                    rules.add(r);
                }
            }
        }
        try (ScriptRuntime runtime = new ScriptRuntime(RuntimeOptions.defaults())) {
            // Start and warm the engine with a rule that is not counted.
            compileAndRun(
                    runtime,
                    ThousandRules.rule(language == Language.GROOVY ? 998 : 999, 0, 7),
                    view,
                    state,
                    dims);
            long heap0 = usedHeapAfterGc();
            long meta0 = metaspaceUsed();
            long start = cpu();
            List<CompiledRule> held = new ArrayList<>(n);
            for (ThousandRules.Rule r : rules) {
                held.add(compile(runtime, r));
            }
            double compileMs = (cpu() - start) / 1e6;
            long heapCompiled = usedHeapAfterGc();
            start = cpu();
            for (int i = 0; i < n; i++) {
                run(held.get(i), rules.get(i), view, state, dims);
            }
            double runMs = (cpu() - start) / 1e6;
            long heap1 = usedHeapAfterGc();
            long meta1 = metaspaceUsed();
            if (held.size() != n || runtime.cachedVersions() < n) {
                throw new IllegalStateException("the runtime holds fewer rules than compiled");
            }
            return new Result(
                    language,
                    n,
                    heapCompiled - heap0,
                    heap1 - heap0,
                    meta1 - meta0,
                    compileMs / n,
                    runMs / n);
        }
    }

    private static CompiledRule compileAndRun(
            ScriptRuntime runtime,
            ThousandRules.Rule r,
            Map<String, Object> view,
            MemoryStateStore state,
            DimensionLookup dims)
            throws Exception {
        CompiledRule c = compile(runtime, r);
        run(c, r, view, state, dims);
        return c;
    }

    private static CompiledRule compile(ScriptRuntime runtime, ThousandRules.Rule r)
            throws Exception {
        return runtime.compile(
                new RuleDefinition(
                        new RuleId("wrongbook", r.eventType(), r.name()),
                        r.language(),
                        r.script(),
                        r.config()));
    }

    private static void run(
            CompiledRule c,
            ThousandRules.Rule r,
            Map<String, Object> view,
            MemoryStateStore state,
            DimensionLookup dims) {
        var outcome = c.invoke(view, state.forKey("u"), dims);
        if (outcome.failed()) {
            throw new IllegalStateException(
                    r.eventType() + "/" + r.name() + " failed: " + outcome.failure());
        }
    }

    private record Ranked(RuleId ruleId, int priority) implements RuleTable.Ranked {}

    /**
     * CPU ms to put {@code n} rules over {@code n / 5} event types into a {@link RuleTable} one by
     * one, as a routing instance does at start-up (median of 5).
     */
    static double tablePutsMs(int n) {
        List<Ranked> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(
                    new Ranked(
                            new RuleId("wrongbook", ThousandRules.type(i / 5), "r" + i % 5),
                            100 - i % 5));
        }
        List<Double> ms = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            long start = cpu();
            RuleTable<Long, Ranked> table = new RuleTable<>();
            for (int i = 0; i < n; i++) {
                table.put((long) i, entries.get(i));
            }
            ms.add((cpu() - start) / 1e6);
            if (table.rulesFor("wrongbook", ThousandRules.type(0)).size() != 5) {
                throw new IllegalStateException("wrong table");
            }
        }
        ms.sort(Double::compare);
        return ms.get(2);
    }

    /** CPU time of this thread: compiles and first runs happen on it. */
    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used =
                    Math.min(
                            used,
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long metaspaceUsed() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals("Metaspace")) {
                return p.getUsage().getUsed();
            }
        }
        return -1;
    }
}
