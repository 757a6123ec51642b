package io.rulecast.job;

import static io.rulecast.job.RulecastOptions.*;

import io.rulecast.job.dims.DimensionSpec;
import io.rulecast.job.dims.JdbcDimensionLookup;
import io.rulecast.job.events.EventReader;
import io.rulecast.job.events.ParseFunction;
import io.rulecast.job.events.RawRecord;
import io.rulecast.job.events.RawRecordDeserializer;
import io.rulecast.job.events.RoutedEvent;
import io.rulecast.job.events.RoutedEventTypeInfo;
import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.output.KafkaOutputs;
import io.rulecast.job.output.OutputMessage;
import io.rulecast.job.routing.RoutingFunction;
import io.rulecast.job.routing.RoutingResources;
import io.rulecast.job.routing.RoutingSettings;
import io.rulecast.job.routing.RuntimeFactory;
import io.rulecast.job.rules.RuleChange;
import io.rulecast.job.rules.RuleWatermarks;
import io.rulecast.job.rules.RulesDatabase;
import io.rulecast.job.rules.RulesSource;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.job.sink.TableWrite;
import io.rulecast.job.sink.TableWriteKeySelector;
import io.rulecast.job.sink.WideTableSink;
import io.rulecast.routing.KeyPath;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Rulecast Flink job. It takes its sources and sinks in the constructor and builds the whole
 * graph in {@link #build}:
 *
 * <pre>
 *  events (Kafka, raw records) ─▶ parse ─▶ keyBy(state key) ─┐
 *                                   │                         ├▶ route ─▶ keyBy(table row) ─▶ wide-table sink
 *  routing_configs (poll, p=1) ─▶ broadcast ─────────────────┘    │
 *                                   └── dead letters ──────┬──────┴─ alerts, metrics, dead letters ─▶ Kafka
 * </pre>
 *
 * {@link #fromConfig} wires the real ones; the same jar runs with {@code flink run} ({@link #main})
 * and in an embedded MiniCluster ({@link #execute()} / {@link #executeAsync()} from plain Java, as
 * {@code rulecast run} does).
 */
public final class RulecastJob {
    private static final Logger LOG = LoggerFactory.getLogger(RulecastJob.class);

    /** Stable operator uids: savepoints map state by these, so they never change. */
    public static final String UID_EVENTS = "events-source";

    public static final String UID_PARSE = "parse-events";
    public static final String UID_RULES = "rules-source";
    public static final String UID_ROUTE = "route-events";
    public static final String UID_TABLE_SINK = "wide-table-sink";
    public static final String UID_KAFKA_SINK = "kafka-outputs";

    /**
     * Longest a parsed event, or a table write, alert or metric of a routed one, waits in a network
     * buffer before it is sent on (ms; Flink's default is 100). On the path of a hot update twice —
     * the first event after the compile, its row to the sink — where only the rules poll and the
     * sink's flush interval are meant to wait; under load the buffers fill sooner anyway.
     */
    static final long EVENT_BUFFER_TIMEOUT_MS = 10;

    /** Event time of events may lag their Kafka timestamps by this much. */
    private static final Duration EVENT_OUT_OF_ORDERNESS = Duration.ofSeconds(5);

    /** A partition without events stops holding back event time after this long. */
    private static final Duration EVENT_IDLENESS = Duration.ofSeconds(30);

    private final RulecastConfig config;
    private final Source<RawRecord, ?, ?> events;
    private final Source<RuleChange, ?, ?> rules;
    private final WideTableSink tables;
    private final KeySelector<TableWrite, String> tableKeys;
    private final Sink<OutputMessage> outputs;
    private final RoutingResources resources;
    private RuntimeFactory runtimes = RuntimeFactory.DEFAULT;
    private String restorePath;

    /** Prefix of the Prometheus reporter's settings that {@code metrics.prometheus.port} sets. */
    static final String PROMETHEUS_REPORTER = "metrics.reporter.prom.";

    /** Flink's Prometheus reporter (flink-metrics-prometheus, on the classpath of the runner). */
    static final String PROMETHEUS_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /**
     * @param events raw Kafka records of the events topic
     * @param rules changes of {@code routing_configs}; run with parallelism 1
     * @param tables applies table writes; the writes it cannot apply come back as dead letters
     * @param tableKeys keys table writes so that writes of one row reach one sink writer in order
     * @param outputs writes alerts, metrics and dead letters to their topics
     * @param resources the writable tables' catalog and the dimensions of {@code ctx.dim}
     */
    public RulecastJob(
            RulecastConfig config,
            Source<RawRecord, ?, ?> events,
            Source<RuleChange, ?, ?> rules,
            WideTableSink tables,
            KeySelector<TableWrite, String> tableKeys,
            Sink<OutputMessage> outputs,
            RoutingResources resources) {
        this.config = Objects.requireNonNull(config, "config");
        this.events = Objects.requireNonNull(events, "events");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.tableKeys = Objects.requireNonNull(tableKeys, "tableKeys");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.resources = Objects.requireNonNull(resources, "resources");
    }

    /**
     * The job with its real sources and sinks: the Kafka events topic, {@code routing_configs}, the
     * wide tables and one Kafka sink for alerts, metrics and dead letters. Reads the databases once
     * now (the rules table, the allowed tables' keys, the dimension tables), so that a wrong
     * setting fails here with the key to fix rather than in a running job.
     *
     * @throws ConfigException naming the setting to fix
     */
    public static RulecastJob fromConfig(RulecastConfig config) {
        JdbcConnectionSpec rulesDb = config.rulesDatabase();
        checkRulesReadable(rulesDb);
        JdbcConnectionSpec sinkDb = config.sinkDatabase();
        TableCatalog catalog =
                new TableCatalog(sinkDb, new LinkedHashSet<>(config.allowedTables()));
        Map<String, List<String>> primaryKeys;
        try {
            catalog.loadAll();
            primaryKeys = TableWriteKeySelector.resolvePrimaryKeys(catalog);
        } catch (RuntimeException e) {
            throw new ConfigException(
                    "cannot use sink.tables.allowed on "
                            + sinkDb
                            + ": "
                            + e.getMessage()
                            + " (check sink.tables.allowed and sink.jdbc.url)");
        }
        JdbcConnectionSpec dimsDb = config.dimensionDatabase();
        List<DimensionSpec> dims = new ArrayList<>();
        for (String name : config.dimensionNames()) {
            dims.add(
                    new DimensionSpec(
                            name,
                            config.get(dimTable(name)),
                            config.get(dimKeyColumn(name)),
                            config.get(dimTtl(name)),
                            config.get(dimMaxEntries(name)),
                            config.get(dimPreload(name))));
        }
        if (!dims.isEmpty()) {
            try (JdbcDimensionLookup probe = new JdbcDimensionLookup(dimsDb, dims)) {
                probe.validate();
            } catch (RuntimeException e) {
                throw new ConfigException("cannot use the dimensions: " + e.getMessage());
            }
        }
        WideTableSink tableSink =
                WideTableSink.builder()
                        .connection(sinkDb)
                        .allowedTables(new LinkedHashSet<>(config.allowedTables()))
                        .batchSize(config.get(SINK_BATCH_SIZE))
                        .connections(config.get(SINK_CONNECTIONS))
                        .flushInterval(config.get(SINK_FLUSH_INTERVAL))
                        .maxRetries(config.get(SINK_MAX_RETRIES))
                        .deadLetterTopic(config.get(TOPIC_DLQ))
                        .build();
        return new RulecastJob(
                config,
                kafkaEvents(config),
                new RulesSource(
                        rulesDb,
                        config.get(RULES_POLL_INTERVAL),
                        config.get(RULES_POLL_MAX_BACKOFF)),
                tableSink,
                new TableWriteKeySelector(primaryKeys),
                KafkaOutputs.sink(
                        config.get(KAFKA_BOOTSTRAP_SERVERS),
                        config.kafkaProperties(),
                        deliveryGuarantee(config),
                        config.get(JOB_NAME)),
                new RoutingResources(catalog, dimsDb, dims)
                        .withOutageMaxWait(config.get(RulecastOptions.DIMS_OUTAGE_MAX_WAIT)));
    }

    /** The events topic as raw records: key, value bytes, headers and position kept. */
    static KafkaSource<RawRecord> kafkaEvents(RulecastConfig config) {
        OffsetsInitializer start =
                switch (config.get(KAFKA_STARTING_OFFSETS).toLowerCase(Locale.ROOT)) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                };
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(config.get(KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(TOPIC_EVENTS))
                .setGroupId(config.get(KAFKA_GROUP_ID))
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(config.kafkaProperties())
                .build();
    }

    private static DeliveryGuarantee deliveryGuarantee(RulecastConfig config) {
        return switch (config.get(KAFKA_DELIVERY_GUARANTEE).toLowerCase(Locale.ROOT)) {
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            case "none" -> DeliveryGuarantee.NONE;
            default -> DeliveryGuarantee.AT_LEAST_ONCE;
        };
    }

    private static void checkRulesReadable(JdbcConnectionSpec db) {
        try (Connection c = RulesDatabase.connect(db)) {
            RulesDatabase.readAll(c);
        } catch (Exception e) {
            throw new ConfigException(
                    "cannot read routing_configs at "
                            + db
                            + ": "
                            + e.getMessage()
                            + " (check rules.jdbc.url, rules.jdbc.user and rules.jdbc.password,"
                            + " and that 'rulecast db migrate' ran)");
        }
    }

    /**
     * Runs rules through runtimes made by {@code factory} instead of the default one. For
     * benchmarks and tests (e.g. a compiled Java class as a rule, to compare scripts with); call
     * before {@link #build}.
     */
    public RulecastJob withRuntimeFactory(RuntimeFactory factory) {
        this.runtimes = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /**
     * Starts the job from a checkpoint or savepoint ({@code _metadata} or its directory) instead of
     * afresh: offsets, {@code ctx.state} and rules as they were there. Call before {@link
     * #execute}.
     */
    public RulecastJob restoreFrom(String checkpoint) {
        this.restorePath = Objects.requireNonNull(checkpoint, "checkpoint");
        return this;
    }

    /** Builds the job's graph into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<RoutedEvent> parsed =
                env.fromSource(
                                events,
                                WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(
                                                EVENT_OUT_OF_ORDERNESS)
                                        .withIdleness(EVENT_IDLENESS),
                                "events: " + config.get(TOPIC_EVENTS))
                        .uid(UID_EVENTS)
                        .process(
                                new ParseFunction(
                                        eventReader(),
                                        new KeyPath(config.get(EVENTS_KEY_PATH)),
                                        config.get(TOPIC_DLQ)),
                                new RoutedEventTypeInfo())
                        .uid(UID_PARSE)
                        .name("parse events");
        bufferEvents(env, parsed);

        BroadcastStream<RuleChange> ruleChanges =
                env.fromSource(rules, RuleWatermarks.strategy(), "rules: routing_configs")
                        .uid(UID_RULES)
                        .setParallelism(1)
                        // A change leaves as soon as it is read instead of waiting for the next
                        // network buffer flush (up to 100 ms, part of every hot update's
                        // latency); changes are few.
                        .setBufferTimeout(0)
                        .broadcast(Descriptors.RULES);

        SingleOutputStreamOperator<TableWrite> writes =
                parsed.keyBy(new RoutedEvent.KeySelector())
                        .connect(ruleChanges)
                        .process(
                                new RoutingFunction(
                                        RoutingSettings.from(config),
                                        resources,
                                        eventReader(),
                                        runtimes))
                        .uid(UID_ROUTE)
                        .name("route events through rules");
        bufferEvents(env, writes);

        DataStream<OutputMessage> refused =
                tables.attach(writes, tableKeys).uid(UID_TABLE_SINK).name("wide-table sink");

        DataStream<OutputMessage> messages =
                parsed.getSideOutput(Descriptors.MESSAGES)
                        .union(writes.getSideOutput(Descriptors.MESSAGES), refused);
        messages.sinkTo(outputs).uid(UID_KAFKA_SINK).name("alerts, metrics, dead letters");
    }

    /**
     * Sets {@link #EVENT_BUFFER_TIMEOUT_MS} on an event-carrying operator's output, unless the
     * deployment chose its own {@code execution.buffer-timeout.interval}: then that one applies.
     */
    private static void bufferEvents(
            StreamExecutionEnvironment env, SingleOutputStreamOperator<?> operator) {
        if (env.getConfiguration().getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
            operator.setBufferTimeout(EVENT_BUFFER_TIMEOUT_MS);
        }
    }

    private EventReader eventReader() {
        return new EventReader(config.get(EVENTS_MAX_SIZE).getBytes());
    }

    /**
     * A stream environment for this configuration: the cluster's under {@code flink run}, else an
     * embedded MiniCluster.
     */
    public StreamExecutionEnvironment environment() {
        Configuration flink = config.flinkConfiguration();
        String checkpointDir = config.get(CHECKPOINT_DIR);
        if (checkpointDir != null && !checkpointDir.isBlank()) {
            flink.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    RetainedCheckpoints.uri(checkpointDir));
            // Kept when the job is cancelled (Ctrl-C, --stop-after) or its process dies, for
            // the next start to resume from.
            flink.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (restorePath != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restorePath);
        }
        int prometheusPort = config.get(METRICS_PROMETHEUS_PORT);
        if (prometheusPort > 0 && !flink.containsKey(PROMETHEUS_REPORTER + "factory.class")) {
            // Read by an embedded MiniCluster; a cluster's reporters are the cluster's own.
            flink.set(reporterKey("factory.class"), PROMETHEUS_FACTORY);
            flink.set(reporterKey("port"), Integer.toString(prometheusPort));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        // On a cluster an unset `parallelism` leaves `flink run -p N` (or the cluster's
        // parallelism.default) in charge; embedded, it means the documented default of 1.
        if (config.raw(PARALLELISM.key()) != null || env instanceof LocalStreamEnvironment) {
            env.setParallelism(config.get(PARALLELISM));
        }
        env.enableCheckpointing(config.get(CHECKPOINT_INTERVAL).toMillis());
        // No defensive copy between chained operators (the Kafka source and the parse function):
        // no function of the job changes or keeps a record it was handed within its chain; what
        // it keeps (held events, the sink's buffer) arrived over the network, deserialized anew.
        env.getConfig().enableObjectReuse();
        build(env);
        return env;
    }

    private static ConfigOption<String> reporterKey(String suffix) {
        return ConfigOptions.key(PROMETHEUS_REPORTER + suffix).stringType().noDefaultValue();
    }

    /** Runs the job until it ends (it does not, unless cancelled or failed for good). */
    public JobExecutionResult execute() throws Exception {
        LOG.info("Starting Rulecast job with {}", config);
        return environment().execute(config.get(JOB_NAME));
    }

    /** Submits the job and returns at once; cancel it through the returned client. */
    public JobClient executeAsync() throws Exception {
        LOG.info("Starting Rulecast job with {}", config);
        return environment().executeAsync(config.get(JOB_NAME));
    }

    public RulecastConfig config() {
        return config;
    }

    /**
     * {@code flink run rulecast-engine.jar --config rulecast.properties [--key value ...]}, or
     * {@code java -cp ... io.rulecast.job.RulecastJob ...} for an embedded MiniCluster. {@code
     * --help} lists the settings; {@code --dry-run} checks the settings and the databases, then
     * exits without running the job.
     */
    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.contains("--help") || rest.contains("-h")) {
            System.out.println(usage());
            return;
        }
        boolean dryRun = rest.remove("--dry-run");
        RulecastJob job;
        try {
            job = fromConfig(RulecastConfig.fromArgs(rest.toArray(String[]::new), System.getenv()));
        } catch (ConfigException e) {
            System.err.println("rulecast: " + e.getMessage());
            throw e;
        }
        if (dryRun) {
            System.out.println("rulecast: configuration OK (" + job.config() + ")");
            return;
        }
        job.execute();
    }

    /** What {@code --help} prints: the arguments and every setting with its default. */
    static String usage() {
        StringBuilder sb =
                new StringBuilder(
                        "usage: flink run rulecast-engine.jar --config FILE [--key value ...]"
                                + " [--dry-run]\n"
                                + "Settings come from the properties file, then the environment ("
                                + RulecastConfig.ENV_RULES_PASSWORD
                                + ", "
                                + RulecastConfig.ENV_SINK_PASSWORD
                                + "), then --key value arguments. rules.jdbc.url is required.\n\n");
        for (var option : ALL) {
            sb.append("  ").append(option.key());
            if (option.hasDefaultValue()) {
                Object d = option.defaultValue();
                sb.append(" (default ")
                        .append(d instanceof Duration t ? TimeUtils.formatWithHighestUnit(t) : d)
                        .append(')');
            }
            sb.append('\n');
        }
        sb.append("  dims.<name>.table, dims.<name>.key-column, dims.<name>.ttl,")
                .append(" dims.<name>.max-entries, dims.<name>.preload\n")
                .append("  kafka.properties.* (Kafka client settings), flink.* (Flink settings)\n");
        return sb.toString();
    }
}
