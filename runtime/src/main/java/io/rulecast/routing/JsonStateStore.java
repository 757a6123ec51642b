package io.rulecast.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.rulecast.event.Json;
import io.rulecast.runtime.DependencyUnavailableException;
import io.rulecast.runtime.StateStore;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ctx.state} of one key as JSON text, with the writes of an invocation held back until
 * {@link #commit()}: the job over Flink keyed state, replay over a map. JSON because values are
 * plain data of any shape and text survives serializer changes; both sides store text so that a
 * value read back is the same value in the job and in replay ({@code 3} an Integer, {@code 1.5} a
 * BigDecimal).
 *
 * <p>The {@link RuleRunner} calls {@link #begin()} before an invocation and {@link #commit()} or
 * {@link #rollback()} after it: a rule whose output is refused leaves the state as it found it.
 */
public abstract class JsonStateStore implements StateStore {
    private static final Object REMOVED = new Object();

    private final Map<String, Object> pending = new HashMap<>();

    /** While a shadow run is due: the stored text of each name before the live run wrote it. */
    private final Map<String, String> before = new HashMap<>();

    private boolean capturing;
    private ShadowView shadow;

    /** The stored JSON text under {@code name}, or null. */
    protected abstract String read(String name) throws Exception;

    /** Stores JSON text under {@code name}; {@code json} null removes it. */
    protected abstract void write(String name, String json) throws Exception;

    /** Starts an invocation with nothing pending. */
    public void begin() {
        pending.clear();
    }

    /** Writes what the invocation put. */
    public void commit() throws Exception {
        for (Map.Entry<String, Object> e : pending.entrySet()) {
            if (capturing && !before.containsKey(e.getKey())) {
                before.put(e.getKey(), read(e.getKey()));
            }
            write(e.getKey(), e.getValue() == REMOVED ? null : Json.write(e.getValue()));
        }
        pending.clear();
    }

    /** Forgets what the invocation put. */
    public void rollback() {
        pending.clear();
    }

    /**
     * Starts keeping the values the next runs overwrite, so that a shadow run after them sees the
     * state as the live run saw it ({@link #shadowView()}).
     */
    public void captureBefore() {
        before.clear();
        capturing = true;
    }

    /**
     * A read-only view of this key's state for a rollout candidate's shadow run: it reads the
     * values as they were when {@link #captureBefore()} was called (the live run's writes undone),
     * and its own writes go nowhere. Ends the capture: call it once per shadow run.
     */
    public JsonStateStore shadowView() {
        capturing = false;
        if (shadow == null) {
            shadow = new ShadowView();
        }
        return shadow;
    }

    /** After the shadow run: forget the captured values. */
    public void endShadow() {
        capturing = false;
        before.clear();
    }

    private final class ShadowView extends JsonStateStore {
        @Override
        protected String read(String name) throws Exception {
            return before.containsKey(name) ? before.get(name) : JsonStateStore.this.read(name);
        }

        @Override
        protected void write(String name, String json) {
            // a shadow run applies nothing
        }
    }

    @Override
    public Object get(String name) {
        Object p = pending.get(name);
        if (p != null) {
            // A fresh copy, so that a script editing what it read changes nothing it did not put.
            return p == REMOVED ? null : parse(name, Json.write(p));
        }
        String json;
        try {
            json = read(name);
        } catch (Exception e) {
            // The backend failed, not the rule: the invocation ends DEPENDENCY_UNAVAILABLE and is
            // retried (a write that fails in commit() fails the task over instead).
            throw new DependencyUnavailableException("cannot read state '" + name + "': " + e, e);
        }
        return json == null ? null : parse(name, json);
    }

    @Override
    public void put(String name, Object value) {
        pending.put(name, value == null ? REMOVED : value);
    }

    private static Object parse(String name, String json) {
        try {
            return Json.MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("state '" + name + "' is not valid JSON", e);
        }
    }
}
