package io.rulecast.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Two builds of the benchmarks jar side by side in one JVM: each jar in a class loader of its own,
 * the Java class and the Groovy rule of each timed by thread CPU time in interleaved rounds (as
 * {@link CpuTimeTable}). Two JVMs run one after the other on a shared 2-core machine differ by more
 * than a 50–100 ns change; in one JVM both builds see the same load, the same JIT and the same
 * caches, so their difference is the change's.
 *
 * <p>Run: {@code java -cp benchmarks/target/rulecast-benchmarks.jar io.rulecast.bench.JarAbTable
 * before.jar after.jar [seconds-per-round] [rounds]}
 */
public final class JarAbTable {
    private static final String[] VARIANTS = {"javaProcessorClass", "groovySandboxedRule"};

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println(
                    "usage: JarAbTable <before.jar> <after.jar> [seconds-per-round] [rounds]");
            System.exit(2);
        }
        double roundSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 9;
        Map<String, IntSupplier> ops = new LinkedHashMap<>();
        List<Object> benches = new ArrayList<>();
        for (String label : new String[] {"A", "B"}) {
            Path jar = Path.of(args[label.equals("A") ? 0 : 1]);
            ClassLoader loader =
                    new URLClassLoader(
                            new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> c = loader.loadClass("io.rulecast.bench.RuleThroughputBenchmark");
            Object b = c.getConstructor().newInstance();
            c.getMethod("setUp").invoke(b);
            benches.add(b);
            for (String v : VARIANTS) {
                MethodHandle mh =
                        MethodHandles.publicLookup()
                                .findVirtual(c, v, MethodType.methodType(int.class))
                                .bindTo(b);
                ops.put(label + " " + v, () -> invoke(mh));
            }
        }
        Map<String, List<Double>> samples = CpuTimeTable.interleaved(ops, roundSeconds, rounds);
        for (Object b : benches) {
            b.getClass().getMethod("tearDown").invoke(b);
        }
        System.out.printf("%nA = %s%nB = %s%n", args[0], args[1]);
        System.out.printf(
                "%n| build | Java class, CPU ns / event | Groovy rule, CPU ns / event | Groovy / Java |%n");
        System.out.println("|---|---:|---:|---:|");
        for (String label : new String[] {"A", "B"}) {
            double java = CpuTimeTable.median(samples.get(label + " javaProcessorClass"));
            double groovy = CpuTimeTable.median(samples.get(label + " groovySandboxedRule"));
            System.out.printf(
                    "| %s | %,.0f | %,.0f | %.2f× |%n", label, java, groovy, java / groovy);
        }
        // Per round, so that a round that lost its CPU shows.
        System.out.printf("%nGroovy B / A per round:");
        for (int r = 0; r < rounds; r++) {
            System.out.printf(
                    " %.3f",
                    samples.get("B groovySandboxedRule").get(r)
                            / samples.get("A groovySandboxedRule").get(r));
        }
        System.out.println();
    }

    private static int invoke(MethodHandle mh) {
        try {
            return (int) mh.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
