package io.rulecast.runtime;

import io.rulecast.event.BusinessEvent;
import io.rulecast.runtime.spi.CompiledScript;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A routing row ready to run: its definition, its compiled script (shared by every rule of the same
 * version) and its parsed config. {@link #invoke} is the only way scripts run.
 */
public final class CompiledRule {
    /** The {@code config_json} key naming the version stamp column. */
    public static final String VERSION_COLUMN = "version_column";

    private final RuleDefinition definition;
    private final CompiledScript script;
    private final Map<String, Object> config;
    private final String outputTable;
    private final String versionColumn;
    private final RuntimeOptions options;
    private final AtomicInteger runs;

    /** The rule's name for the guard's stuck warning, built once rather than per invocation. */
    private final String label;

    private long logWindowStart;
    private int logsInWindow;

    CompiledRule(
            RuleDefinition definition,
            CompiledScript script,
            Map<String, Object> config,
            RuntimeOptions options,
            AtomicInteger runs) {
        this.definition = definition;
        this.script = script;
        this.config = config;
        Object t = config.get("output_table");
        this.outputTable = t == null ? null : t.toString();
        Object v = config.get(VERSION_COLUMN);
        this.versionColumn = v == null ? null : v.toString();
        this.options = options;
        this.runs = runs;
        this.label = definition.id().toString();
    }

    public RuleDefinition definition() {
        return definition;
    }

    public RuleId id() {
        return definition.id();
    }

    public String version() {
        return definition.version();
    }

    Map<String, Object> config() {
        return config;
    }

    /**
     * {@code config_json.version_column}: the column of every upserted row that gets the version's
     * 12-character hash (SPEC "Version stamps"), or null.
     */
    public String versionColumn() {
        return versionColumn;
    }

    /** {@code config_json.output_table}, or null. */
    public String outputTable() {
        return outputTable;
    }

    /**
     * Runs the rule over one event, within the sandbox's bounds. Never throws for script faults.
     */
    public Outcome invoke(BusinessEvent event, StateStore state, DimensionLookup dims) {
        return invoke(event.scriptView(), state, dims);
    }

    /**
     * As {@link #invoke(BusinessEvent, StateStore, DimensionLookup)}, with a view made once per
     * event.
     */
    public Outcome invoke(Map<String, Object> eventView, StateStore state, DimensionLookup dims) {
        try {
            return guarded(eventView, state, dims);
        } catch (Throwable t) {
            // Nothing a rule does may fail the task: whatever got past the invocation's own
            // handling (a state store that refused a write, an error while disarming) is this
            // event's failure.
            return Outcome.failed(
                    new Failure(
                            FailureReason.SCRIPT_ERROR,
                            "invocation failed: " + t.getClass().getName()),
                    List.of(),
                    0L);
        }
    }

    private Outcome guarded(Map<String, Object> eventView, StateStore state, DimensionLookup dims) {
        RuleContext ctx = new RuleContext(this, state, dims, options.outputLimit());
        // The first runs of a version link call sites and initialize classes; that one-off cost
        // must not count against the script, or every new version would fail its first event.
        boolean cold = runs.get() < COLD_RUNS && runs.getAndIncrement() < COLD_RUNS;
        Guard guard =
                cold
                        ? Guard.arm(
                                options.coldStartTimeout(), options.memoryLimitBytes() * 4, label)
                        : Guard.arm(options.timeout(), options.memoryLimitBytes(), label);
        ctx.guard = guard;
        Failure failure = null;
        boolean ran = false;
        try {
            Object returned = script.run(eventView, ctx);
            ran = true;
            // Converting the returned value is part of the invocation: it may be large, and a
            // value that is not plain data is refused by its class before any of its code runs.
            addReturned(returned, ctx);
        } catch (ScriptFailure f) {
            failure = f.toFailure();
        } catch (StackOverflowError e) {
            failure = new Failure(FailureReason.STACK_OVERFLOW, "call stack too deep (recursion?)");
        } catch (OutOfMemoryError e) {
            failure = new Failure(FailureReason.MEMORY_LIMIT, "out of memory: " + e.getMessage());
        } catch (Throwable t) {
            failure =
                    new Failure(
                            ran ? FailureReason.BAD_RETURN : FailureReason.SCRIPT_ERROR,
                            ran ? "converting the returned value: " + describe(t) : describe(t));
        } finally {
            Failure bound = guard.disarm();
            // A broken bound explains whatever the script threw when it was stopped.
            if (bound != null) {
                failure = bound;
            }
            // A dependency that failed explains everything after it (a caught exception, a wrong
            // row built from the missing value, a bound broken while waiting): the rule is not to
            // blame, and the event must be retried rather than dead-lettered.
            Failure dependency = ctx.dependencyFailure();
            if (dependency != null) {
                failure = dependency;
            }
        }
        long nanos = guard.elapsedNanos();
        if (failure != null) {
            Outcome o = Outcome.failed(failure, ctx.logs(), nanos);
            return guard.stuck() ? o.asStuck() : o;
        }
        ctx.commitState();
        return ctx.success(nanos);
    }

    static final int COLD_RUNS = 3;

    private void addReturned(Object returned, RuleContext ctx) {
        if (returned == null) {
            return;
        }
        if (returned instanceof Map<?, ?> m) {
            ctx.add(
                    new Emission.Upsert(
                            requireOutputTable(),
                            PlainData.finalMap(m, FailureReason.BAD_RETURN, "returned row")));
        } else if (returned instanceof List<?> list) {
            String table = list.isEmpty() ? null : requireOutputTable();
            for (Object o : list) {
                ctx.add(
                        new Emission.Upsert(
                                table,
                                PlainData.finalMap(
                                        o, FailureReason.BAD_RETURN, "each returned row")));
            }
        } else {
            throw new ScriptFailure(
                    FailureReason.BAD_RETURN,
                    "returned "
                            + PlainData.describe(returned)
                            + ": return a map, a list of maps, or null");
        }
    }

    private String requireOutputTable() {
        if (outputTable == null || outputTable.isBlank()) {
            throw new ScriptFailure(
                    FailureReason.BAD_RETURN,
                    "returned rows but config_json has no \"output_table\": add it, or use ctx.upsert(table, row)");
        }
        return outputTable;
    }

    /**
     * Called while the guard is armed: a message may be built from the script's objects (Groovy's
     * MissingMethodException prints the arguments), and building it may fail or be cancelled.
     */
    private static String describe(Throwable t) {
        String name = t.getClass().getSimpleName();
        String m;
        try {
            m = t.getMessage();
        } catch (Throwable e) {
            return name;
        }
        return m == null || m.isBlank() ? name : name + ": " + m;
    }

    synchronized boolean allowLog() {
        long now = System.currentTimeMillis();
        if (now - logWindowStart >= 1000) {
            logWindowStart = now;
            logsInWindow = 0;
        }
        return logsInWindow++ < options.logLimitPerSecond();
    }
}
