package io.rulecast.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.rulecast.event.Json;
import io.rulecast.runtime.groovy.GroovyEngine;
import io.rulecast.runtime.js.JsEngine;
import io.rulecast.runtime.spi.CompiledScript;
import io.rulecast.runtime.spi.ScriptEngine;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compiles routing rows into {@link CompiledRule}s. Compiled scripts are cached by version hash in
 * a size-bounded cache, so each version compiles once per runtime however many instances or rules
 * share it; an evicted Groovy version leaves its own class loader unreachable and unloads.
 *
 * <p>This class and everything under {@code io.rulecast.runtime} is free of Flink: the job, the
 * CLI's {@code validate} and {@code replay}, and the benchmarks run the same code.
 */
public final class ScriptRuntime implements AutoCloseable {
    private final RuntimeOptions options;
    private final Map<Language, ScriptEngine> engines = new EnumMap<>(Language.class);
    private final Cache<String, Compiled> cache;
    private long compiles;
    private long compileFailures;

    public ScriptRuntime(RuntimeOptions options) {
        this.options = options;
        this.cache =
                Caffeine.newBuilder()
                        .maximumSize(options.maxCachedRules())
                        .removalListener(
                                (String k, Compiled v, RemovalCause cause) -> {
                                    if (v != null && cause.wasEvicted()) {
                                        v.script.close();
                                    }
                                })
                        .build();
    }

    public ScriptRuntime() {
        this(RuntimeOptions.defaults());
    }

    /**
     * A runtime whose engines for some languages are replaced, for benchmarks and tests that run a
     * compiled Java class as a rule under the same bounds, cache and job as scripts. Not reachable
     * from configuration: the job exposes it only through {@code RulecastJob#withRuntimeFactory}.
     */
    public ScriptRuntime(RuntimeOptions options, java.util.List<ScriptEngine> engines) {
        this(options);
        for (ScriptEngine e : engines) {
            this.engines.put(e.language(), e);
        }
    }

    public RuntimeOptions options() {
        return options;
    }

    /**
     * Compiles {@code rule}, or returns the cached compilation of its version.
     *
     * @throws CompileException if the script does not compile, the sandbox refuses it, or its
     *     config_json is not a JSON object
     */
    public CompiledRule compile(RuleDefinition rule) throws CompileException {
        Compiled c = cache.getIfPresent(rule.version());
        if (c == null) {
            c = compileUncached(rule);
            cache.put(rule.version(), c);
        }
        return new CompiledRule(rule, c.script, c.config, options, c.runs);
    }

    /** Compiles without caching or keeping anything: what {@code validate} needs. */
    public void check(Language language, String script, String sourceName) throws CompileException {
        compileScript(engine(language), script, sourceName).close();
    }

    /**
     * Compiles through {@code engine}, turning what a compiler may throw besides its own errors
     * into a {@link CompileException}: a script nested more deeply than the compiler's recursion
     * can follow ends in a {@link StackOverflowError} (the engines' parsers catch their own, the
     * later passes do not), which must fail this rule, not the thread that compiles it.
     */
    private static CompiledScript compileScript(
            ScriptEngine engine, String script, String sourceName) throws CompileException {
        try {
            return engine.compile(script, sourceName);
        } catch (StackOverflowError e) {
            throw new CompileException(
                    0, 0, "the script is nested too deeply to compile: simplify or split it");
        } catch (LinkageError | AssertionError e) {
            // A compiler bug on an unusual script is still a script the runtime cannot run.
            throw new CompileException(0, 0, "cannot compile: " + e);
        }
    }

    private Compiled compileUncached(RuleDefinition rule) throws CompileException {
        Map<String, Object> config;
        try {
            config = PlainData.readOnly(Json.parseObject(rule.configJson()));
        } catch (Exception e) {
            synchronized (this) {
                compileFailures++;
            }
            throw new CompileException(0, 0, "config_json is not a JSON object: " + e.getMessage());
        }
        Object stamp = config.get(CompiledRule.VERSION_COLUMN);
        if (stamp != null && !(stamp instanceof String s && !s.isBlank())) {
            synchronized (this) {
                compileFailures++;
            }
            throw new CompileException(
                    0,
                    0,
                    "config_json.version_column must be the name of a column (a string), not "
                            + stamp);
        }
        try {
            CompiledScript script =
                    compileScript(engine(rule.language()), rule.script(), rule.id().toString());
            synchronized (this) {
                compiles++;
            }
            return new Compiled(script, config);
        } catch (CompileException e) {
            synchronized (this) {
                compileFailures++;
            }
            throw e;
        }
    }

    private synchronized ScriptEngine engine(Language language) {
        ScriptEngine engine = engines.get(language);
        if (engine == null) {
            engine =
                    switch (language) {
                        case GROOVY -> new GroovyEngine(options);
                        case JS -> new JsEngine(options);
                    };
            engines.put(language, engine);
            if (language == Language.GROOVY) {
                warmUp(engine); // JsEngine warms itself up (JsWarmUp)
            }
        }
        return engine;
    }

    /**
     * Runs a representative rule a few times when an engine starts, so that the JVM-wide cost of a
     * language's first run (class initialization, call-site linking) is not charged to the first
     * real event's time budget.
     */
    private void warmUp(ScriptEngine engine) {
        String script =
                engine.language() == Language.GROOVY
                        ? "def p = event.payload\ndef n = ctx.state.incr('n', 1)\n"
                                + "def tags = (p.tags ?: []).collect { it.toString().toUpperCase() }\n"
                                + "if (p.score != null && p.score < 60) { ctx.metric('m', 1, [s: p.subject]) }\n"
                                + "ctx.dim('d', p.id)\n"
                                + "return [id: p.id, s: \"${p.subject}\".trim(), tags: tags.join(','), n: n, t: event.timestamp]"
                        : "const p = event.payload; const n = ctx.state.incr('n', 1);\n"
                                + "const tags = (p.tags || []).map(t => String(t).toUpperCase());\n"
                                + "if (p.score != null && p.score < 60) { ctx.metric('m', 1, {s: p.subject}); }\n"
                                + "ctx.dim('d', p.id);\n"
                                + "return {id: p.id, s: String(p.subject).trim(), tags: tags.join(','), n: n, t: event.timestamp};";
        try (CompiledScript compiled = engine.compile(script, "warm-up")) {
            CompiledRule rule =
                    new CompiledRule(
                            new RuleDefinition(
                                    new RuleId("rulecast", "warm-up", "main"),
                                    engine.language(),
                                    script,
                                    "{\"output_table\":\"t\"}"),
                            compiled,
                            Map.of("output_table", "t"),
                            options,
                            new AtomicInteger());
            Map<String, Object> event =
                    new io.rulecast.event.BusinessEvent(
                                    "warm-up",
                                    "rulecast",
                                    "warm-up",
                                    0L,
                                    PlainData.readOnly(
                                            Map.of(
                                                    "id",
                                                    "x",
                                                    "subject",
                                                    " math ",
                                                    "score",
                                                    10,
                                                    "tags",
                                                    java.util.List.of("a", "b"))),
                                    null,
                                    null)
                            .scriptView();
            for (int i = 0; i < 20; i++) {
                rule.invoke(event, StateStore.NONE, (dim, key) -> null);
            }
        } catch (CompileException | RuntimeException e) {
            // A warm-up problem must never stop the runtime; real rules report their own errors.
        }
    }

    public synchronized long compileCount() {
        return compiles;
    }

    public synchronized long compileFailureCount() {
        return compileFailures;
    }

    /** Number of compiled versions held. */
    public long cachedVersions() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public synchronized void close() {
        cache.asMap().values().forEach(c -> c.script.close());
        cache.invalidateAll();
        engines.values().forEach(ScriptEngine::close);
        engines.clear();
    }

    /**
     * One compiled version, shared by every rule with that version; {@code runs} counts its cold
     * starts.
     */
    private record Compiled(CompiledScript script, Map<String, Object> config, AtomicInteger runs) {
        Compiled(CompiledScript script, Map<String, Object> config) {
            this(script, config, new AtomicInteger());
        }
    }
}
