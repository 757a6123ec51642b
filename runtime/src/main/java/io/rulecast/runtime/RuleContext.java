package io.rulecast.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ctx}: what a script may do. Every call is recorded as an {@link Emission}; nothing is
 * written anywhere until the whole invocation succeeded. Values are copied to plain data when they
 * are handed in, so a script changing a map afterwards changes nothing.
 *
 * <p>Groovy scripts call these methods directly (they are on the sandbox's allowlist); JavaScript
 * scripts reach them through proxies.
 */
public final class RuleContext {
    private final CompiledRule rule;
    private final StateStore store;

    /** Made when the script first asks for {@code ctx.state}. */
    private StateView state;

    private final DimensionLookup dims;

    /** The invocation's guard, set as soon as it is armed (before the script runs). */
    Guard guard;

    private final int outputLimit;
    private final List<Emission> emissions = new ArrayList<>(4);
    private List<String> logs;
    private Failure dependencyFailure;

    /** Set when the invocation's outcome took the emissions and logs: they must not change. */
    private boolean handedOver;

    RuleContext(CompiledRule rule, StateStore state, DimensionLookup dims, int outputLimit) {
        this.rule = rule;
        this.store = state;
        this.dims = dims;
        this.outputLimit = outputLimit;
    }

    /** Insert-or-update {@code row} (column → value) into {@code table}. */
    public void upsert(String table, Map<?, ?> row) {
        add(
                new Emission.Upsert(
                        name(table, "table"),
                        PlainData.copyMap(row, FailureReason.SCRIPT_ERROR, "ctx.upsert row")));
    }

    /** Delete the row of {@code table} whose key columns are {@code keyRow}. */
    public void delete(String table, Map<?, ?> keyRow) {
        add(
                new Emission.Delete(
                        name(table, "table"),
                        PlainData.copyMap(keyRow, FailureReason.SCRIPT_ERROR, "ctx.delete key")));
    }

    /** An alert on the alerts topic. */
    public void alert(String level, String message, Map<?, ?> fields) {
        Map<String, Object> f =
                fields == null
                        ? Map.of()
                        : PlainData.copyMap(fields, FailureReason.SCRIPT_ERROR, "ctx.alert fields");
        add(new Emission.Alert(level == null ? "INFO" : level, message == null ? "" : message, f));
    }

    public void alert(String level, String message) {
        alert(level, message, null);
    }

    /** A metric on the metrics topic (and Flink's metrics in the job). */
    public void metric(String name, Number value, Map<?, ?> tags) {
        if (value == null) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR, "ctx.metric value must be a number, got null");
        }
        Map<String, Object> t =
                tags == null
                        ? Map.of()
                        : PlainData.copyMap(tags, FailureReason.SCRIPT_ERROR, "ctx.metric tags");
        add(
                new Emission.Metric(
                        name(name, "metric name"),
                        (Number) PlainData.copy(value, FailureReason.SCRIPT_ERROR),
                        t));
    }

    public void metric(String name, Number value) {
        metric(name, value, null);
    }

    /** A row of dimension {@code dimName} by key, or null. The row is read-only. */
    public Map<String, Object> dim(String dimName, Object key) {
        // The key reaches the lookup's cache (hashCode, equals): plain data only.
        Object plainKey = PlainData.copy(key, FailureReason.SCRIPT_ERROR);
        long paused = 0L;
        try {
            Map<String, Object> row = dims.lookupInMemory(dimName, plainKey);
            if (row != DimensionLookup.NOT_IN_MEMORY) {
                return row;
            }
            // Waiting for the database is not the script's time: a slow (or reconnecting) lookup
            // must not end in TIMEOUT, which would blame the rule.
            paused = guard.pause();
            return dims.lookup(dimName, plainKey);
        } catch (IllegalArgumentException e) {
            throw new ScriptFailure(FailureReason.SCRIPT_ERROR, "ctx.dim: " + e.getMessage());
        } catch (DependencyUnavailableException e) {
            throw dependencyFailed("ctx.dim('" + dimName + "'): " + e.getMessage());
        } finally {
            guard.resume(paused);
        }
    }

    /**
     * Records that a dependency failed during this invocation, and returns the failure to throw
     * into the script. The record is what counts: the invocation ends with {@link
     * FailureReason#DEPENDENCY_UNAVAILABLE} even if the script catches what is thrown.
     */
    private ScriptFailure dependencyFailed(String message) {
        if (dependencyFailure == null) {
            dependencyFailure = new Failure(FailureReason.DEPENDENCY_UNAVAILABLE, message);
        }
        return new ScriptFailure(FailureReason.DEPENDENCY_UNAVAILABLE, message);
    }

    /** The first dependency failure of this invocation, or null; scripts cannot reach it. */
    Failure dependencyFailure() {
        return dependencyFailure;
    }

    /** State kept for the current event's key. */
    public StateView getState() {
        if (state == null) {
            state = new StateView(this, store);
        }
        return state;
    }

    /** Writes what the script changed in its state; called only when the invocation succeeded. */
    void commitState() {
        if (state != null) {
            state.commit();
        }
    }

    /** The rule's {@code config_json}, read-only. */
    public Map<String, Object> getConfig() {
        return rule.config();
    }

    /** A log line, attributed to the rule; rate-limited per rule. */
    public void log(Object message) {
        requireOpen();
        if (rule.allowLog()) {
            if (logs == null) {
                logs = new ArrayList<>(2);
            }
            logs.add(String.valueOf(message));
        }
    }

    void add(Emission e) {
        requireOpen();
        if (emissions.size() >= outputLimit) {
            throw new ScriptFailure(
                    FailureReason.OUTPUT_LIMIT,
                    "emitted more than " + outputLimit + " outputs (script.output.limit)");
        }
        emissions.add(e);
    }

    /**
     * The successful invocation's outcome, which takes this context's emissions and logs as they
     * are (no copy): from now on the context refuses to add to them, so a script that kept {@code
     * ctx} somewhere (a JavaScript global) cannot change an outcome already handed out.
     */
    Outcome success(long nanos) {
        handedOver = true;
        return Outcome.owning(emissions, logs(), nanos);
    }

    private void requireOpen() {
        if (handedOver) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR,
                    "ctx belongs to an invocation that has ended: use the ctx of the current one");
        }
    }

    List<String> logs() {
        return logs == null ? List.of() : logs;
    }

    private static String name(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR, what + " must be a non-empty string");
        }
        return s;
    }

    /** {@code ctx.state}: get, put and incr on the current key's state. */
    public static final class StateView {
        private static final Object REMOVED = new Object();
        private final RuleContext ctx;
        private final StateStore store;
        private Map<String, Object> pending;

        StateView(RuleContext ctx, StateStore store) {
            this.ctx = ctx;
            this.store = store;
        }

        /**
         * The value under {@code name}; a map or list comes as a copy of its own, so state changes
         * only through {@link #put} and {@link #incr} (and what a script returns never shares an
         * object with the state).
         */
        public Object get(String name) {
            Object v;
            if (pending != null && pending.containsKey(name)) {
                v = pending.get(name);
                v = v == REMOVED ? null : v;
            } else {
                try {
                    v = store.get(name);
                } catch (DependencyUnavailableException e) {
                    throw ctx.dependencyFailed("ctx.state.get('" + name + "'): " + e.getMessage());
                }
            }
            return v instanceof Map || v instanceof List
                    ? PlainData.copy(v, FailureReason.SCRIPT_ERROR)
                    : v;
        }

        public void put(String name, Object value) {
            Object plain = PlainData.copy(value, FailureReason.SCRIPT_ERROR);
            pending().put(name, plain == null ? REMOVED : plain);
        }

        /**
         * Adds {@code by} (1 when omitted) to the number under {@code name} and returns the new
         * value.
         */
        public Number incr(String name, Number by) {
            Object current = get(name);
            if (current != null && !(current instanceof Number)) {
                throw new ScriptFailure(
                        FailureReason.SCRIPT_ERROR,
                        "ctx.state.incr('" + name + "'): the state holds a non-number value");
            }
            Object step = by == null ? 1L : PlainData.copy(by, FailureReason.SCRIPT_ERROR);
            Number next = Numbers.add(current == null ? 0L : (Number) current, (Number) step);
            pending().put(name, next);
            return next;
        }

        public Number incr(String name) {
            return incr(name, 1);
        }

        private Map<String, Object> pending() {
            if (pending == null) {
                pending = new java.util.LinkedHashMap<>(4);
            }
            return pending;
        }

        /** Writes what the script changed; called only when the whole invocation succeeded. */
        void commit() {
            if (pending != null) {
                for (Map.Entry<String, Object> e : pending.entrySet()) {
                    store.put(e.getKey(), e.getValue() == REMOVED ? null : e.getValue());
                }
                pending = null;
            }
        }
    }
}
