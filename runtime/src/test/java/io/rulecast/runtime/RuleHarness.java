package io.rulecast.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs rule bodies through the real runtime with in-memory state and dimensions, for tests. */
public final class RuleHarness implements AutoCloseable {
    public final ScriptRuntime runtime;
    public final MemoryState state = new MemoryState();
    public final Map<String, Map<Object, Map<String, Object>>> dims = new HashMap<>();

    public RuleHarness() {
        // The runtime warms each engine up; the hostile suites need no extra first-run budget.
        this(
                RuntimeOptions.defaults()
                        .withTimeout(Duration.ofMillis(200))
                        .withColdStartTimeout(Duration.ofMillis(400)));
    }

    public RuleHarness(RuntimeOptions options) {
        this.runtime = new ScriptRuntime(options);
    }

    public CompiledRule compile(Language language, String script, String configJson)
            throws CompileException {
        return runtime.compile(
                new RuleDefinition(new RuleId("test", "t", "main"), language, script, configJson));
    }

    public Outcome run(
            Language language, String script, String configJson, Map<String, Object> event)
            throws CompileException {
        return compile(language, script, configJson).invoke(event, state, lookup());
    }

    public Outcome run(Language language, String script) throws CompileException {
        return run(language, script, "{\"output_table\":\"t_out\"}", sampleEvent());
    }

    public DimensionLookup lookup() {
        return (dim, key) -> {
            Map<Object, Map<String, Object>> rows = dims.get(dim);
            if (rows == null) {
                throw new IllegalArgumentException("no dimension '" + dim + "' is configured");
            }
            return rows.get(key);
        };
    }

    public static Map<String, Object> sampleEvent() {
        return sampleEvent("e-1", "u-1", "q-7", "math");
    }

    public static Map<String, Object> sampleEvent(
            String eventId, String userId, String questionId, String subject) {
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("wrongbookId", "wb-" + eventId);
        payload.put("userId", userId);
        payload.put("questionId", questionId);
        payload.put("subject", subject);
        payload.put("score", 35);
        payload.put("tags", List.of("fraction", "hard"));
        return new io.rulecast.event.BusinessEvent(
                        eventId,
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

    /** ctx.state over a map, keyed like the job (one map per key is enough for tests). */
    public static final class MemoryState implements StateStore {
        public final Map<String, Object> values = new HashMap<>();

        @Override
        public Object get(String name) {
            return values.get(name);
        }

        @Override
        public void put(String name, Object value) {
            values.put(name, value);
        }
    }
}
