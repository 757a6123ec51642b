package io.rulecast.job.routing;

import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.StateStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a fixed script of each language a few times before the first rule of that language goes live
 * in this JVM. The very first invocation of an engine loads and links its runtime (255 ms for
 * Groovy on a busy two-core machine, against a 100 ms script.timeout), and that cost must not send
 * the first real events to the dead-letter topic as TIMEOUT.
 */
final class EngineWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(EngineWarmup.class);
    private static final Set<Language> WARM = ConcurrentHashMap.newKeySet();
    private static final Duration BUDGET = Duration.ofSeconds(30);
    private static final String CONFIG = "{\"output_table\":\"warmup\"}";

    private EngineWarmup() {}

    /** Warms {@code language} up once per JVM; later calls return at once. */
    static void ensure(Language language) {
        if (WARM.contains(language)) {
            return;
        }
        synchronized (EngineWarmup.class) {
            if (WARM.contains(language)) {
                return;
            }
            long start = System.nanoTime();
            try (ScriptRuntime runtime =
                    new ScriptRuntime(RuntimeOptions.defaults().withTimeout(BUDGET))) {
                CompiledRule rule =
                        runtime.compile(
                                new RuleDefinition(
                                        new RuleId("rulecast", "warmup", "main"),
                                        language,
                                        script(language),
                                        CONFIG));
                Map<String, Object> event =
                        Map.of(
                                "eventId", "warmup",
                                "domain", "rulecast",
                                "type", "warmup",
                                "timestamp", 0L,
                                "payload", Map.of("a", "x", "n", 1));
                for (int i = 0; i < 3; i++) {
                    rule.invoke(event, new MemoryState(), DimensionLookup.NONE);
                }
                LOG.info(
                        "{} engine warmed up in {} ms",
                        language,
                        (System.nanoTime() - start) / 1_000_000);
            } catch (Exception | LinkageError e) {
                // A rule of this language then pays the cost itself; nothing else depends on it.
                LOG.warn("Warming up the {} engine failed: {}", language, e.toString());
            }
            WARM.add(language);
        }
    }

    private static String script(Language language) {
        return switch (language) {
            case GROOVY ->
                    "def p = event.payload\n"
                            + "def n = ctx.state.incr('n', p.n)\n"
                            + "ctx.metric('warmup', n, [k: p.a])\n"
                            + "return [id: p.a, n: n]";
            case JS ->
                    "const p = event.payload;\n"
                            + "const n = ctx.state.incr('n', p.n);\n"
                            + "ctx.metric('warmup', n, {k: p.a});\n"
                            + "return {id: p.a, n: n};";
        };
    }

    /** The warm-up's own state, thrown away after it. */
    private static final class MemoryState implements StateStore {
        private final Map<String, Object> values = new HashMap<>();

        @Override
        public Object get(String name) {
            return values.get(name);
        }

        @Override
        public void put(String name, Object value) {
            values.put(name, value);
        }

        @Override
        public Number incr(String name, Number by) {
            Number next = StateNumbers.add((Number) values.getOrDefault(name, 0L), by);
            values.put(name, next);
            return next;
        }
    }
}
