package io.rulecast.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The JMH benchmarks' operations timed by the calling thread's CPU time, interleaved in rounds, so
 * that the ratios hold on a busy machine where wall-clock throughput swings by ±50%. Prints a
 * Markdown table: median CPU nanoseconds per event, events per CPU-second, ratio to the Java class.
 *
 * <p>Run: {@code java -cp benchmarks/target/rulecast-benchmarks.jar io.rulecast.bench.CpuTimeTable
 * [seconds-per-round] [rounds]}
 */
public final class CpuTimeTable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        double roundSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        RuleThroughputBenchmark b = new RuleThroughputBenchmark();
        b.setUp();
        Map<String, IntSupplier> ops = new LinkedHashMap<>();
        ops.put("Java processor class (the seed's design)", b::javaProcessorClass);
        ops.put("Groovy rule, sandboxed", b::groovySandboxedRule);
        ops.put("JavaScript rule, sandboxed", b::jsSandboxedRule);
        ops.put("Jackson parse + serialize only (ceiling)", b::jacksonParseAndSerializeOnly);

        Map<String, List<Double>> samples = interleaved(ops, roundSeconds, rounds);
        b.tearDown();

        double java = median(samples.get("Java processor class (the seed's design)"));
        System.out.printf(
                "%nJDK %s, GraalJS runtime: %s%n",
                Runtime.version(), io.rulecast.runtime.js.JsEngine.runtimeName());
        System.out.printf(
                "%n| variant | CPU ns / event (median of %d) | events / CPU-second | ratio to Java class |%n",
                rounds);
        System.out.println("|---|---:|---:|---:|");
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            double ns = median(e.getValue());
            System.out.printf(
                    "| %s | %,.0f | %,.0f | %.2f× |%n", e.getKey(), ns, 1e9 / ns, java / ns);
        }

        CompileBenchmark c = new CompileBenchmark();
        c.setUp();
        for (int i = 0; i < 30; i++) {
            c.compileFiftyLineGroovyRule().close();
        }
        List<Double> compile = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            c.compileFiftyLineGroovyRule().close();
            compile.add((THREADS.getCurrentThreadCpuTime() - t0) / 1e6);
        }
        System.out.printf(
                "%nCompiling the 50-line Groovy rule after warm-up: median %.1f ms CPU (30 compiles)%n",
                median(compile));
    }

    /**
     * Each op warmed up for 3 rounds' worth of CPU time, then timed in {@code rounds} interleaved
     * rounds (every op once per round): CPU nanoseconds per call, per op, round by round.
     */
    static Map<String, List<Double>> interleaved(
            Map<String, IntSupplier> ops, double roundSeconds, int rounds) {
        for (IntSupplier op : ops.values()) {
            run(op, (long) (roundSeconds * 3e9)); // warm-up
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        ops.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, IntSupplier> e : ops.entrySet()) {
                samples.get(e.getKey()).add(run(e.getValue(), (long) (roundSeconds * 1e9)));
            }
        }
        return samples;
    }

    /** CPU nanoseconds per call of {@code op}, over about {@code cpuNanos} of CPU time. */
    static double run(IntSupplier op, long cpuNanos) {
        long sink = 0;
        long calls = 0;
        long start = THREADS.getCurrentThreadCpuTime();
        long now = start;
        while (now - start < cpuNanos) {
            for (int i = 0; i < 256; i++) {
                sink += op.getAsInt();
            }
            calls += 256;
            now = THREADS.getCurrentThreadCpuTime();
        }
        if (sink == 42) {
            System.out.print("");
        }
        return (double) (now - start) / calls;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }
}
