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
        return new CompiledRule(rule, c.script, c.config, options);
    }

    /** Compiles without caching or keeping anything: what {@code validate} needs. */
    public void check(Language language, String script, String sourceName) throws CompileException {
        engine(language).compile(script, sourceName).close();
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
        try {
            CompiledScript script =
                    engine(rule.language()).compile(rule.script(), rule.id().toString());
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
        return engines.computeIfAbsent(
                language,
                l ->
                        switch (l) {
                            case GROOVY -> new GroovyEngine(options);
                            case JS -> new JsEngine(options);
                        });
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

    private record Compiled(CompiledScript script, Map<String, Object> config) {}
}
