package io.rulecast.runtime.js;

import io.rulecast.event.BusinessEvent;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.PlainData;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.StateStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JavaScript rules through the real runtime, with state and dimensions in memory. */
final class JsHarness implements AutoCloseable {
    static final String OUTPUT = "{\"output_table\":\"t_out\"}";

    final ScriptRuntime runtime;
    final MemoryState state = new MemoryState();
    final Map<String, Map<Object, Map<String, Object>>> dims = new HashMap<>();

    /** A budget no normal rule reaches on a busy machine: these tests are not about time. */
    JsHarness() {
        this(RuntimeOptions.defaults().withTimeout(Duration.ofSeconds(5)));
    }

    JsHarness(RuntimeOptions options) {
        this.runtime = new ScriptRuntime(options);
    }

    CompiledRule compile(String name, String script, String configJson) throws CompileException {
        return runtime.compile(
                new RuleDefinition(new RuleId("test", "t", name), Language.JS, script, configJson));
    }

    Outcome run(String script, String configJson, Map<String, Object> event)
            throws CompileException {
        return compile("main", script, configJson).invoke(event, state, lookup());
    }

    Outcome run(String script) throws CompileException {
        return run(script, OUTPUT, sampleEvent());
    }

    DimensionLookup lookup() {
        return (dim, key) -> {
            Map<Object, Map<String, Object>> rows = dims.get(dim);
            if (rows == null) {
                throw new IllegalArgumentException("no dimension '" + dim + "' is configured");
            }
            return rows.get(key);
        };
    }

    static Map<String, Object> sampleEvent() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("wrongbookId", "wb-1");
        payload.put("userId", "u-1");
        payload.put("questionId", "q-7");
        payload.put("subject", "math");
        payload.put("score", 35);
        payload.put("ratio", new java.math.BigDecimal("0.25"));
        payload.put("tags", List.of("fraction", "hard"));
        payload.put("items", List.of(Map.of("id", 1, "q", 2), Map.of("id", 2, "q", 5)));
        return new BusinessEvent(
                        "e-1",
                        "wrongbook",
                        "wrongbook_add",
                        1763800000000L,
                        PlainData.readOnly(payload),
                        null,
                        null)
                .scriptView();
    }

    @Override
    public void close() {
        runtime.close();
    }

    /** ctx.state over one map. */
    static final class MemoryState implements StateStore {
        final Map<String, Object> values = new HashMap<>();

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
            Object old = values.get(name);
            Number n;
            if (old instanceof Double || by instanceof Double) {
                n = (old == null ? 0 : ((Number) old).doubleValue()) + by.doubleValue();
            } else {
                n = (old == null ? 0L : ((Number) old).longValue()) + by.longValue();
            }
            values.put(name, n);
            return n;
        }
    }
}
