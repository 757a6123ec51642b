package io.rulecast.bench;

import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.groovy.GroovyEngine;
import io.rulecast.runtime.spi.CompiledScript;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Milliseconds to compile a 50-line Groovy rule into the sandbox, after warm-up (no cache). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompileBenchmark {
    private GroovyEngine engine;
    private String script;
    private int n;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new GroovyEngine(RuntimeOptions.defaults());
        script = BenchData.resource("fifty_lines.groovy");
        if (script.lines().count() < 50) {
            throw new IllegalStateException("fifty_lines.groovy must have at least 50 lines");
        }
    }

    @Benchmark
    public CompiledScript compileFiftyLineGroovyRule() throws Exception {
        // A different comment each time, so no layer can hand back an earlier result.
        return engine.compile(script + "\n// " + (n++), "fifty_lines.groovy");
    }
}
