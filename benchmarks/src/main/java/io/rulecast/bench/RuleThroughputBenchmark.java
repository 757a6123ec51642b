package io.rulecast.bench;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.Json;
import io.rulecast.event.ParseResult;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.StateStore;
import java.time.Duration;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second on one core for the same wrongbook_add logic, each from Kafka bytes to the
 * serialized output rows: the seed's compiled Java processor, the sandboxed Groovy rule, the
 * sandboxed JavaScript rule, and Jackson parse + serialize alone (the ceiling).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Dpolyglot.engine.WarnInterpreterOnly=false",
            "-Dpolyglotimpl.AttachLibraryFailureAction=ignore"
        })
public class RuleThroughputBenchmark {
    private List<byte[]> events;
    private int next;
    private EventParser parser;
    private DimensionLookup dims;
    private WrongbookAddProcessor processor;
    private ScriptRuntime runtime;
    private CompiledRule groovy;
    private CompiledRule js;
    private String jsError;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        events = BenchData.events(4096, 42);
        parser = new EventParser();
        dims = BenchData.questions();
        processor = new WrongbookAddProcessor(dims);
        // A generous timeout: this measures throughput, and a GC pause on a busy machine must not
        // fail a run.
        runtime = new ScriptRuntime(RuntimeOptions.defaults().withTimeout(Duration.ofSeconds(5)));
        String config = "{\"output_table\":\"dwd_wrongbook_wide\"}";
        groovy =
                runtime.compile(
                        new RuleDefinition(
                                new RuleId("wrongbook", "wrongbook_add", "main"),
                                Language.GROOVY,
                                BenchData.resource("wrongbook_add.groovy"),
                                config));
        try {
            js =
                    runtime.compile(
                            new RuleDefinition(
                                    new RuleId("wrongbook", "wrongbook_add", "js"),
                                    Language.JS,
                                    BenchData.resource("wrongbook_add.js"),
                                    config));
        } catch (io.rulecast.runtime.CompileException e) {
            // Reported by jsSandboxedRule itself, so the other variants still run.
            jsError = e.getMessage();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runtime.close();
    }

    private BusinessEvent nextEvent() {
        byte[] bytes = events.get(next++ & 4095);
        ParseResult r = parser.parse(bytes);
        return ((ParseResult.Parsed) r).event();
    }

    private static int serialize(List<Emission> emissions) {
        int bytes = 0;
        for (Emission e : emissions) {
            if (e instanceof Emission.Upsert u) {
                bytes += Json.write(u.row()).length();
            } else if (e instanceof Emission.Metric m) {
                bytes += Json.write(m.tags()).length() + m.name().length();
            }
        }
        return bytes;
    }

    @Benchmark
    public int jacksonParseAndSerializeOnly() {
        BusinessEvent e = nextEvent();
        return Json.write(e.payload()).length();
    }

    @Benchmark
    public int javaProcessorClass() {
        return serialize(processor.process(nextEvent()));
    }

    @Benchmark
    public int groovySandboxedRule() {
        return serialize(check(groovy.invoke(nextEvent(), StateStore.NONE, dims)));
    }

    @Benchmark
    public int jsSandboxedRule() {
        if (js == null) {
            throw new IllegalStateException("JS rule did not compile: " + jsError);
        }
        return serialize(check(js.invoke(nextEvent(), StateStore.NONE, dims)));
    }

    private static List<Emission> check(Outcome o) {
        if (o.failed()) {
            throw new IllegalStateException("benchmark rule failed: " + o.failure());
        }
        return o.emissions();
    }
}
