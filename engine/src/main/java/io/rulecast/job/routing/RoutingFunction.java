package io.rulecast.job.routing;

import io.rulecast.event.BusinessEvent;
import io.rulecast.job.Descriptors;
import io.rulecast.job.dims.JdbcDimensionLookup;
import io.rulecast.job.events.EventReader;
import io.rulecast.job.events.RawRecord;
import io.rulecast.job.events.RoutedEvent;
import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.rules.RoutingRow;
import io.rulecast.job.rules.RuleChange;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.job.sink.TableWrite;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.routing.RuleRunner;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Guard;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.ScriptRuntime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the job: events keyed by their state key on one side, rule changes broadcast to
 * every instance on the other.
 *
 * <p>A rule change is compiled on every instance (one {@link ScriptRuntime} per instance, which
 * caches by version hash); a version that does not compile never replaces the running one and
 * raises {@code RULE_COMPILE_FAILED}. Broadcast state keeps the rows that run, so a restored job
 * recompiles them before its first event.
 *
 * <p>An event runs through every enabled rule of its {@code (domain, type)}, highest priority
 * first. Each invocation is all-or-nothing: its table writes (checked against the {@link
 * TableCatalog}), alerts, metrics and state changes are applied only if it succeeded; otherwise the
 * event goes to the dead-letter topic for that rule, and the rule's {@link CircuitBreaker} counts
 * the failure. An invocation that found a dependency of {@code ctx} unavailable is neither: {@link
 * DependencyOutage} holds the event and runs the rule again (or fails the job over). Table writes
 * are the main output; alerts, metrics and dead letters go to {@link Descriptors#MESSAGES}.
 */
public final class RoutingFunction
        extends KeyedBroadcastProcessFunction<String, RoutedEvent, RuleChange, TableWrite>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RoutingFunction.class);
    private static final long WAIT_RETRY_MS = 100;

    /** Distinct (domain, type) pairs with their own unrouted counter; the rest share one. */
    private static final int MAX_UNROUTED_TYPES = 1000;

    private final RoutingSettings settings;
    private final RoutingResources resources;
    private final EventReader reader;
    private final RuntimeFactory runtimes;

    private transient ScriptRuntime runtime;
    private transient RuleRegistry registry;
    private transient DimensionLookup dims;
    private transient TableCatalog catalog;
    private transient RuleRunner runner;
    private transient DependencyOutage outage;
    private transient RolloutRunner rollouts;
    private transient RuleAlerts alerts;
    private transient KeyedStateStore store;
    private transient boolean restored;

    /** Rollout candidates aborted on this instance (or, before a restore, on any). */
    private transient ListState<String> rolloutAborts;

    /**
     * Events held until the rules source's first complete read since open (also after a restore).
     */
    private transient HeldEvents held;

    private transient boolean reportsRuleAlerts;
    private transient String where;
    private transient MetricGroup metricGroup;
    private transient Map<String, RuleMetrics> ruleMetrics;
    private transient Map<String, Counter> unrouted;
    private transient Counter unroutedTotal;
    private transient Counter unroutedOverflow;
    private transient Counter notReady;

    public RoutingFunction(
            RoutingSettings settings, RoutingResources resources, EventReader reader) {
        this(settings, resources, reader, RuntimeFactory.DEFAULT);
    }

    /** With another script runtime than the default one (benchmarks, tests). */
    public RoutingFunction(
            RoutingSettings settings,
            RoutingResources resources,
            EventReader reader,
            RuntimeFactory runtimes) {
        this.settings = settings;
        this.resources = resources;
        this.reader = reader;
        this.runtimes = runtimes;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Called before open(): the aborts are handed to the rollout runner there.
        rolloutAborts =
                context.getOperatorStateStore().getUnionListState(Descriptors.ROLLOUT_ABORTS);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        rolloutAborts.update(rollouts.aborts(registry.all()));
    }

    @Override
    public void open(OpenContext openContext) {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        // Every instance compiles every change; one alert per change is enough.
        reportsRuleAlerts = subtask == 0;
        where = "routing subtask " + subtask;
        runtime = runtimes.create(settings.runtimeOptions());
        registry =
                new RuleRegistry(
                        runtime::compile,
                        () -> new CircuitBreaker(settings.breaker(), System::currentTimeMillis));
        catalog = resources.catalog();
        runner = new RuleRunner(w -> catalog.check(TableWrite.of(w, null, null, null, 0)));
        alerts = new RuleAlerts(settings, where, reportsRuleAlerts);
        rollouts = new RolloutRunner(settings, runner, where, reportsRuleAlerts, alerts);
        try {
            rollouts.restoreAborts(rolloutAborts.get());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the checkpointed rollout aborts", e);
        }
        dims = resources.openDimensions();
        store =
                new KeyedStateStore(
                        getRuntimeContext()
                                .getMapState(Descriptors.scriptState(settings.stateTtl())));
        held =
                new HeldEvents(
                        getRuntimeContext().getListState(Descriptors.WAITING_FOR_RULES),
                        settings.holdMaxEvents(),
                        settings.holdAlertAfter().toMillis(),
                        settings.alertsTopic(),
                        where);
        registerMetrics(getRuntimeContext().getMetricGroup());
        outage =
                new DependencyOutage(
                        resources.outageMaxWait(), where, getRuntimeContext().getMetricGroup());
    }

    @Override
    public void close() throws Exception {
        if (dims instanceof AutoCloseable c) {
            c.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    // ---- rules --------------------------------------------------------------------------------

    @Override
    public void processBroadcastElement(RuleChange change, Context ctx, Collector<TableWrite> out)
            throws Exception {
        BroadcastState<Long, RoutingRow> state = ctx.getBroadcastState(Descriptors.RULES);
        restoreOnce(state, m -> ctx.output(Descriptors.MESSAGES, m));
        if (!held.counted()) {
            // After a restore, the keys still holding events come back from the checkpoint.
            held.recount(f -> ctx.applyToKeyedState(Descriptors.WAITING_FOR_RULES, f));
        }
        if (change.kind() == RuleChange.Kind.SYNCED) {
            // The database's rows as of the source's read: drop restored rules it no longer has
            // (the read may have sent only differences, or every row without the deletes).
            List<RoutingRow> gone = new java.util.ArrayList<>();
            for (Map.Entry<Long, RoutingRow> e : state.immutableEntries()) {
                if (!change.lists(e.getKey())) {
                    gone.add(e.getValue());
                }
            }
            for (RoutingRow row : gone) {
                state.remove(row.id());
                processBroadcastElement(RuleChange.delete(row), ctx, out);
            }
            held.markSynced();
            rollouts.synced();
            return;
        }
        RuleRegistry.Applied a = registry.apply(change);
        RoutingRow row = a.row();
        switch (a.effect()) {
            case ACTIVATED, UPDATED -> {
                state.put(row.id(), row);
                if (a.previous() != null && !a.previous().name().equals(a.active().name())) {
                    metricsOf(a.previous()).track(null);
                }
                metricsOf(a.active()).track(a.active());
                rollouts.changed(a, m -> ctx.output(Descriptors.MESSAGES, m));
                if (a.effect() == RuleRegistry.Effect.ACTIVATED && reportsRuleAlerts) {
                    LOG.info(
                            "Rule {} version {} runs{}",
                            a.active().name(),
                            a.active().version(),
                            a.previous() == null
                                    ? ""
                                    : " (replacing " + a.previous().version() + ")");
                }
            }
            case STOPPED -> {
                state.remove(row.id());
                metricsOf(a.previous()).track(null);
                if (reportsRuleAlerts) {
                    LOG.info(
                            "Rule {} stopped ({})",
                            a.previous().name(),
                            change.kind() == RuleChange.Kind.DELETE ? "deleted" : "disabled");
                }
            }
            case COMPILE_FAILED ->
                    alerts.compileFailed(a, m -> ctx.output(Descriptors.MESSAGES, m));
            case UNCHANGED -> {}
        }
    }

    /**
     * After a restore, compiles the rows kept in broadcast state before anything else. A row that
     * no longer compiles (e.g. after a sandbox change) raises the same alert as a new version
     * would. They serve events only once the rules source's first read since the restore has
     * arrived ({@code SYNCED}), which removes those deleted since the checkpoint and updates those
     * changed.
     */
    private void restoreOnce(
            ReadOnlyBroadcastState<Long, RoutingRow> state, Consumer<OutputMessage> messages)
            throws Exception {
        if (restored) {
            return;
        }
        restored = true;
        int n = 0;
        for (Map.Entry<Long, RoutingRow> e : state.immutableEntries()) {
            RuleRegistry.Applied a = registry.apply(RuleChange.upsert(e.getValue()));
            if (a.active() != null) {
                metricsOf(a.active()).track(a.active());
                rollouts.changed(a, messages);
                n++;
            } else if (a.error() != null) {
                alerts.compileFailed(a, messages);
            }
        }
        if (n > 0) {
            LOG.info(
                    "{}: restored {} rules from the checkpoint; events wait for the rules source's"
                            + " first read",
                    where,
                    n);
        }
    }

    // ---- events -------------------------------------------------------------------------------

    @Override
    public void processElement(RoutedEvent routed, ReadOnlyContext ctx, Collector<TableWrite> out)
            throws Exception {
        restoreOnce(
                ctx.getBroadcastState(Descriptors.RULES), m -> ctx.output(Descriptors.MESSAGES, m));
        if (held.mustWait()) {
            // The rules are not complete (first start, restore) so "no rule" or the restored rule
            // would be a guess, or the key holds older events: hold it (in order, per key).
            long now = ctx.timerService().currentProcessingTime();
            switch (held.hold(routed, now)) {
                case FIRST_OF_KEY ->
                        ctx.timerService().registerProcessingTimeTimer(now + WAIT_RETRY_MS);
                case BEHIND -> {}
                case REFUSED -> notReady(routed, ctx, now);
            }
            return;
        }
        route(routed, ctx, out);
    }

    /** Routes the events a key held while the rules were not there yet, once they are. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TableWrite> out)
            throws Exception {
        restoreOnce(
                ctx.getBroadcastState(Descriptors.RULES), m -> ctx.output(Descriptors.MESSAGES, m));
        long now = ctx.timerService().currentProcessingTime();
        if (!held.synced()) {
            OutputMessage late = held.lateAlert(now);
            if (late != null) {
                LOG.warn("{}: still waiting for the rules, {} events held", where, held.size());
                ctx.output(Descriptors.MESSAGES, late);
            }
            ctx.timerService().registerProcessingTimeTimer(now + WAIT_RETRY_MS);
            return;
        }
        for (RoutedEvent e : held.release()) {
            route(e, ctx, out);
        }
    }

    /** Holding is full: the event goes to the dead-letter topic, and the operator is told once. */
    private void notReady(RoutedEvent routed, ReadOnlyContext ctx, long now) {
        notReady.inc();
        EventReader.Result parsed = reader.read(routed.raw().value());
        deadLetter(
                ctx,
                routed.raw(),
                Messages.Stage.ROUTE,
                DeadLetterReason.RULES_NOT_READY,
                "the rules have not arrived and " + held.size() + " events are held already",
                null,
                null,
                parsed.ok() ? parsed.event().eventId() : null);
        OutputMessage full = held.fullAlert(now);
        if (full != null) {
            LOG.error(
                    "{}: holding {} events without the rules; dead-lettering", where, held.size());
            ctx.output(Descriptors.MESSAGES, full);
        }
    }

    private void route(RoutedEvent routed, ReadOnlyContext ctx, Collector<TableWrite> out)
            throws Exception {
        RawRecord raw = routed.raw();
        EventReader.Result parsed = reader.read(raw.value());
        if (!parsed.ok()) {
            // The parse stage let it through; reading the same bytes cannot fail unless the
            // reader changed between the two (a rolling upgrade): still nothing is dropped.
            deadLetter(
                    ctx,
                    raw,
                    Messages.Stage.PARSE,
                    parsed.reason(),
                    parsed.message(),
                    null,
                    null,
                    null);
            return;
        }
        BusinessEvent event = parsed.event();
        List<ActiveRule> rules = registry.rulesFor(event.domain(), event.type());
        if (rules.isEmpty()) {
            unrouted(event).inc();
            unroutedTotal.inc();
            if (settings.unroutedDeadLetter()) {
                deadLetter(
                        ctx,
                        raw,
                        Messages.Stage.ROUTE,
                        DeadLetterReason.NO_RULE,
                        "no enabled rule serves " + event.domain() + "/" + event.type(),
                        null,
                        null,
                        event.eventId());
            }
            return;
        }
        Map<String, Object> view = event.scriptView();
        for (ActiveRule rule : rules) {
            // rollout: a canary may serve the key with the candidate; a shadow candidate follows
            ActiveRule serving = rollouts.serving(rule, store, ctx.getCurrentKey());
            RuleRunner.Run r = run(serving, event, view, raw, ctx, out);
            rollouts.after(
                    rule,
                    serving,
                    r,
                    event,
                    view,
                    store,
                    dims,
                    metricsOf(rule),
                    m -> ctx.output(Descriptors.MESSAGES, m));
        }
    }

    /** Runs one rule over the event and applies what it gave; returns the run. */
    private RuleRunner.Run run(
            ActiveRule rule,
            BusinessEvent event,
            Map<String, Object> view,
            RawRecord raw,
            ReadOnlyContext ctx,
            Collector<TableWrite> out)
            throws Exception {
        RuleMetrics metrics = metricsOf(rule);
        // A dependency that is away (dimension database, state backend) is waited out here, the
        // event held; what comes back is the rule's own result.
        RuleRunner.Run r =
                outage.run(rule.name(), () -> runner.run(rule.running(), view, store, dims));
        if (r.invoked()) {
            Outcome outcome = r.outcome();
            metrics.processed.inc();
            metrics.latencyMicros.update(outcome.nanos() / 1000);
            for (String line : outcome.logs()) {
                LOG.info(
                        "[{}@{}] {}",
                        rule.name(),
                        rule.compiled().definition().shortVersion(),
                        line);
            }
            if (outcome.stuck()) {
                metrics.stuck.inc();
                ctx.output(Descriptors.MESSAGES, alerts.stuck(rule, event.eventId(), outcome));
            }
        }
        long now = System.currentTimeMillis();
        if (!r.ok()) {
            if (r.invoked()) {
                metrics.failed.inc();
            }
            metrics.deadLettered.inc();
            deadLetter(
                    ctx,
                    raw,
                    Messages.Stage.RULE,
                    r.reason(),
                    r.message(),
                    rule.name(),
                    rule.version(),
                    event.eventId());
            if (r.transition() == CircuitBreaker.Transition.OPENED) {
                ctx.output(Descriptors.MESSAGES, alerts.breakerOpened(rule, event.eventId(), now));
            }
            return r;
        }
        if (r.transition() == CircuitBreaker.Transition.CLOSED) {
            LOG.info("{}: circuit breaker of {} closed again", where, rule.name());
            ctx.output(
                    Descriptors.MESSAGES,
                    Messages.systemAlert(
                            settings.alertsTopic(),
                            Messages.CIRCUIT_CLOSED,
                            "INFO",
                            "circuit breaker of " + rule.name() + " closed: the rule works again",
                            null,
                            rule.name(),
                            rule.version(),
                            event.eventId(),
                            now));
        }
        for (Emission w : r.writes()) {
            out.collect(
                    TableWrite.of(
                            w, rule.name(), rule.version(), event.eventId(), event.timestamp()));
        }
        for (Emission e : r.messages()) {
            if (e instanceof Emission.Alert a) {
                ctx.output(
                        Descriptors.MESSAGES,
                        Messages.alert(
                                settings.alertsTopic(),
                                a,
                                rule.name(),
                                rule.version(),
                                event.eventId(),
                                now));
            } else if (e instanceof Emission.Metric m) {
                metrics.scriptMetric(m);
                ctx.output(
                        Descriptors.MESSAGES,
                        Messages.metric(
                                settings.metricsTopic(),
                                m,
                                rule.name(),
                                rule.version(),
                                event.eventId(),
                                now));
            }
        }
        return r;
    }

    private void deadLetter(
            ReadOnlyContext ctx,
            RawRecord raw,
            Messages.Stage stage,
            DeadLetterReason reason,
            String message,
            String rule,
            String version,
            String eventId) {
        OutputMessage m =
                Messages.deadLetter(
                        settings.dlqTopic(),
                        raw,
                        stage,
                        reason,
                        message,
                        rule,
                        version,
                        eventId,
                        System.currentTimeMillis());
        ctx.output(Descriptors.MESSAGES, m);
    }

    // ---- metrics (every Flink metric of the operator is registered here) ------------------------

    private void registerMetrics(MetricGroup group) {
        metricGroup = group;
        ruleMetrics = new HashMap<>();
        unrouted = new HashMap<>();
        unroutedTotal = metricGroup.counter("eventsUnrouted");
        unroutedOverflow = new SimpleCounter();
        notReady = metricGroup.counter("eventsNotReady");
        metricGroup.gauge("eventsHeld", () -> held.size());
        metricGroup.gauge("rulesActive", () -> registry.size());
        metricGroup.gauge("compiles", () -> runtime.compileCount());
        metricGroup.gauge("compileFailures", () -> runtime.compileFailureCount());
        // open() runs on the task thread, the one that invokes the rules.
        Guard taskGuard = Guard.current();
        metricGroup.gauge("rulesStuckNow", () -> taskGuard.stuckNowHere() ? 1 : 0);
        if (dims instanceof JdbcDimensionLookup jdbc) {
            metricGroup.gauge("dimHits", jdbc::hits);
            metricGroup.gauge("dimMisses", jdbc::misses);
            metricGroup.gauge("dimErrors", jdbc::errors);
        }
    }

    /** The metrics of a rule's name (created on first use, kept when the rule stops). */
    private RuleMetrics metricsOf(ActiveRule rule) {
        return ruleMetrics.computeIfAbsent(
                rule.name(),
                n ->
                        new RuleMetrics(
                                metricGroup,
                                rule.row().domain(),
                                rule.row().eventType(),
                                rule.row().ruleId().name()));
    }

    private Counter unrouted(BusinessEvent event) {
        String k = event.domain() + "/" + event.type();
        Counter c = unrouted.get(k);
        if (c == null) {
            if (unrouted.size() >= MAX_UNROUTED_TYPES) {
                return unroutedOverflow; // still counted in eventsUnrouted
            }
            c =
                    metricGroup
                            .addGroup("domain", event.domain())
                            .addGroup("event_type", event.type())
                            .counter("unrouted");
            unrouted.put(k, c);
        }
        return c;
    }
}
