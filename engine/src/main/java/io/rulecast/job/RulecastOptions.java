package io.rulecast.job;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Every key of the job's configuration (SPEC.md "Job configuration", plus the job's own), with its
 * type, default and description. Durations are written like {@code 500 ms}, {@code 10 s}, {@code 7
 * d}; sizes like {@code 64 mb}. {@link RulecastConfig} loads and checks them.
 */
public final class RulecastOptions {
    private RulecastOptions() {}

    // ---- Kafka --------------------------------------------------------------------------------

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap.servers")
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription("Kafka brokers, host:port[,host:port...].");

    public static final ConfigOption<String> KAFKA_GROUP_ID =
            ConfigOptions.key("kafka.group.id")
                    .stringType()
                    .defaultValue("rulecast")
                    .withDescription(
                            "Consumer group of the events source (offsets are committed on checkpoints).");

    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS =
            ConfigOptions.key("kafka.starting.offsets")
                    .stringType()
                    .defaultValue("committed")
                    .withDescription(
                            "Where a job without a checkpoint starts reading events: 'committed' (the group's"
                                    + " committed offsets, else the earliest), 'earliest' or 'latest'.");

    public static final ConfigOption<String> KAFKA_DELIVERY_GUARANTEE =
            ConfigOptions.key("kafka.delivery.guarantee")
                    .stringType()
                    .defaultValue("at-least-once")
                    .withDescription(
                            "Guarantee of the alerts, metrics and dead-letter producer: 'at-least-once',"
                                    + " 'exactly-once' or 'none'.");

    /**
     * Prefix of Kafka client properties handed to both the consumer and the producer, e.g. {@code
     * kafka.properties.security.protocol=SASL_SSL}.
     */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    public static final ConfigOption<String> TOPIC_EVENTS =
            ConfigOptions.key("topic.events")
                    .stringType()
                    .defaultValue("rulecast.events")
                    .withDescription("Input topic of JSON events.");

    public static final ConfigOption<String> TOPIC_ALERTS =
            ConfigOptions.key("topic.alerts")
                    .stringType()
                    .defaultValue("rulecast.alerts")
                    .withDescription("Topic of ctx.alert output and of the job's own alerts.");

    public static final ConfigOption<String> TOPIC_METRICS =
            ConfigOptions.key("topic.metrics")
                    .stringType()
                    .defaultValue("rulecast.metrics")
                    .withDescription("Topic of ctx.metric output.");

    public static final ConfigOption<String> TOPIC_DLQ =
            ConfigOptions.key("topic.dlq")
                    .stringType()
                    .defaultValue("rulecast.dlq")
                    .withDescription(
                            "Dead-letter topic: rejected events with their original bytes.");

    public static final ConfigOption<String> TOPIC_SHADOW =
            ConfigOptions.key("topic.shadow")
                    .stringType()
                    .defaultValue("rulecast.shadow")
                    .withDescription(
                            "Topic of shadow records: one per event whose rollout candidate's"
                                    + " outputs differ from the live version's.");

    // ---- Rules ----------------------------------------------------------------------------------

    public static final ConfigOption<String> RULES_JDBC_URL =
            ConfigOptions.key("rules.jdbc.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the database holding routing_configs (required).");

    public static final ConfigOption<String> RULES_JDBC_USER =
            ConfigOptions.key("rules.jdbc.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User reading routing_configs; it needs only SELECT.");

    public static final ConfigOption<String> RULES_JDBC_PASSWORD =
            ConfigOptions.key("rules.jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password of rules.jdbc.user; also read from "
                                    + RulecastConfig.ENV_RULES_PASSWORD
                                    + ".");

    public static final ConfigOption<Duration> RULES_POLL_INTERVAL =
            ConfigOptions.key("rules.poll.interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription("How often routing_configs is read.");

    public static final ConfigOption<Duration> RULES_POLL_MAX_BACKOFF =
            ConfigOptions.key("rules.poll.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Longest wait between retries while the rules database is unreachable"
                                    + " (the wait doubles from rules.poll.interval up to this).");

    // ---- Every JDBC connection (rules, sink, table catalog, dimensions) ----------------------

    public static final ConfigOption<Duration> JDBC_CONNECT_TIMEOUT =
            ConfigOptions.key("jdbc.connect.timeout")
                    .durationType()
                    .defaultValue(JdbcConnectionSpec.DEFAULT_CONNECT_TIMEOUT)
                    .withDescription(
                            "Longest wait for a TCP connection to the rules or sink database.");

    public static final ConfigOption<Duration> JDBC_SOCKET_TIMEOUT =
            ConfigOptions.key("jdbc.socket.timeout")
                    .durationType()
                    .defaultValue(JdbcConnectionSpec.DEFAULT_SOCKET_TIMEOUT)
                    .withDescription(
                            "Longest wait for any answer of the rules or sink database on an open"
                                    + " connection (a network that swallows packets fails the read"
                                    + " after this long instead of blocking the task); must exceed"
                                    + " the longest write batch.");

    // ---- Wide-table sink --------------------------------------------------------------------

    public static final ConfigOption<String> SINK_JDBC_URL =
            ConfigOptions.key("sink.jdbc.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the database rules write to; default: rules.jdbc.url.");

    public static final ConfigOption<String> SINK_JDBC_USER =
            ConfigOptions.key("sink.jdbc.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User of the sink database; default: rules.jdbc.user.");

    public static final ConfigOption<String> SINK_JDBC_PASSWORD =
            ConfigOptions.key("sink.jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password of sink.jdbc.user; also read from "
                                    + RulecastConfig.ENV_SINK_PASSWORD
                                    + "; default: the rules' password.");

    /** Read through {@link RulecastConfig#allowedTables()}: commas, not Flink's semicolons. */
    public static final ConfigOption<String> SINK_TABLES_ALLOWED =
            ConfigOptions.key("sink.tables.allowed")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Comma-separated tables rules may write; none by default (a write to any"
                                    + " other table fails the invocation with BAD_OUTPUT).");

    public static final ConfigOption<Integer> SINK_BATCH_SIZE =
            ConfigOptions.key("sink.batch.size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Rows buffered per sink subtask before a batch is written.");

    public static final ConfigOption<Integer> SINK_CONNECTIONS =
            ConfigOptions.key("sink.connections")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Database connections per sink subtask: a flush spreads its rows over"
                                    + " them by primary key (the writes of one row stay on one"
                                    + " connection, in order) and writes them in parallel.");

    public static final ConfigOption<Duration> SINK_FLUSH_INTERVAL =
            ConfigOptions.key("sink.flush.interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription("Longest time a buffered row waits before it is written.");

    public static final ConfigOption<Integer> SINK_MAX_RETRIES =
            ConfigOptions.key("sink.max.retries")
                    .intType()
                    .defaultValue(3)
                    .withDescription("Retries of a failed batch before the job fails over.");

    // ---- Events -------------------------------------------------------------------------------

    public static final ConfigOption<String> EVENTS_KEY_PATH =
            ConfigOptions.key("events.key.path")
                    .stringType()
                    .defaultValue("eventId")
                    .withDescription(
                            "Dotted path into the event (e.g. 'payload.userId') whose value keys"
                                    + " ctx.state when a record has no Kafka key.");

    public static final ConfigOption<MemorySize> EVENTS_MAX_SIZE =
            ConfigOptions.key("events.max.size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1 mb"))
                    .withDescription("Larger events go to the dead-letter topic unparsed.");

    public static final ConfigOption<Boolean> EVENTS_UNROUTED_DEAD_LETTER =
            ConfigOptions.key("events.unrouted.dead-letter")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Send events no enabled rule serves to the dead-letter topic (reason"
                                    + " NO_RULE); they are always counted.");

    public static final ConfigOption<Integer> ROUTING_HOLD_MAX_EVENTS =
            ConfigOptions.key("routing.hold.max-events")
                    .intType()
                    .defaultValue(100_000)
                    .withDescription(
                            "Most events one routing instance holds (in keyed state) while it"
                                    + " waits for the rules (first start, restore); beyond it,"
                                    + " events go to the dead-letter topic (RULES_NOT_READY).");

    public static final ConfigOption<Duration> ROUTING_HOLD_ALERT_AFTER =
            ConfigOptions.key("routing.hold.alert-after")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Raise RULES_NOT_SYNCED when a routing instance has held events for"
                                    + " this long without the rules arriving.");

    // ---- Scripts ------------------------------------------------------------------------------

    public static final ConfigOption<Duration> SCRIPT_TIMEOUT =
            ConfigOptions.key("script.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription("Longest time one rule may run on one event.");

    public static final ConfigOption<MemorySize> SCRIPT_MEMORY_LIMIT =
            ConfigOptions.key("script.memory.limit")
                    .memoryType()
                    .defaultValue(MemorySize.parse("64 mb"))
                    .withDescription("Most memory one rule may allocate on one event.");

    public static final ConfigOption<Integer> SCRIPT_OUTPUT_LIMIT =
            ConfigOptions.key("script.output.limit")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Most outputs (rows, alerts, metrics) of one rule on one event.");

    // ---- Dimensions (one group per dimension name) --------------------------------------------

    /** Prefix of the dimension groups, {@code dims.<name>.<key>}. */
    public static final String DIMS_PREFIX = "dims.";

    public static final Duration DIM_DEFAULT_TTL = Duration.ofMinutes(10);
    public static final long DIM_DEFAULT_MAX_ENTRIES = 100_000;

    /** {@code dims.<name>.table}: the table holding the dimension (required per group). */
    public static ConfigOption<String> dimTable(String name) {
        return ConfigOptions.key(DIMS_PREFIX + name + ".table")
                .stringType()
                .noDefaultValue()
                .withDescription("Table of dimension '" + name + "'.");
    }

    /** {@code dims.<name>.key-column}: the column ctx.dim's key is matched against (required). */
    public static ConfigOption<String> dimKeyColumn(String name) {
        return ConfigOptions.key(DIMS_PREFIX + name + ".key-column")
                .stringType()
                .noDefaultValue()
                .withDescription("Key column of dimension '" + name + "'.");
    }

    /** {@code dims.<name>.ttl}: how long a looked-up row (or a miss) is cached. */
    public static ConfigOption<Duration> dimTtl(String name) {
        return ConfigOptions.key(DIMS_PREFIX + name + ".ttl")
                .durationType()
                .defaultValue(DIM_DEFAULT_TTL)
                .withDescription("Cache time of dimension '" + name + "' rows.");
    }

    /** {@code dims.<name>.max-entries}: cache size per subtask. */
    public static ConfigOption<Long> dimMaxEntries(String name) {
        return ConfigOptions.key(DIMS_PREFIX + name + ".max-entries")
                .longType()
                .defaultValue(DIM_DEFAULT_MAX_ENTRIES)
                .withDescription("Cached rows of dimension '" + name + "' per subtask.");
    }

    /**
     * {@code dims.<name>.preload}: read the whole table into the cache when a task opens (at most
     * max-entries rows), like the Flink JDBC lookup connector's {@code lookup.cache = FULL}.
     */
    public static ConfigOption<Boolean> dimPreload(String name) {
        return ConfigOptions.key(DIMS_PREFIX + name + ".preload")
                .booleanType()
                .defaultValue(false)
                .withDescription(
                        "Read the whole table of dimension '"
                                + name
                                + "' into the cache when a routing task opens (at most"
                                + " max-entries rows); rows still expire after ttl and are then"
                                + " read again one by one on a miss.");
    }

    /**
     * {@code dims.jdbc.url}: the database of the dimension tables, when it is not the sink's (the
     * key is reserved: no dimension can be named {@code jdbc} with a {@code url} key).
     */
    public static final ConfigOption<String> DIMS_JDBC_URL =
            ConfigOptions.key("dims.jdbc.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the database holding the dimension tables; default:"
                                    + " the sink's (sink.jdbc.url).");

    public static final ConfigOption<String> DIMS_JDBC_USER =
            ConfigOptions.key("dims.jdbc.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User of the dimension database; default: the sink's.");

    public static final ConfigOption<String> DIMS_JDBC_PASSWORD =
            ConfigOptions.key("dims.jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of dims.jdbc.user; default: the sink's password.");

    public static final ConfigOption<Duration> DIMS_OUTAGE_MAX_WAIT =
            ConfigOptions.key("dims.outage.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "How long an event waits for an unavailable dependency of ctx (the"
                                    + " dimension database, the state backend) while the task holds"
                                    + " it and retries; after this the job fails over and restarts"
                                    + " from its last checkpoint. Such an outage never dead-letters"
                                    + " an event nor opens a rule's breaker.");

    /** The keys of one dimension group, after {@code dims.<name>.}. */
    public static final List<String> DIM_KEYS =
            List.of("table", "key-column", "ttl", "max-entries", "preload");

    // ---- State, circuit breaker ---------------------------------------------------------------

    public static final ConfigOption<Duration> STATE_TTL =
            ConfigOptions.key("state.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription("ctx.state entries not written for this long are dropped.");

    public static final ConfigOption<Integer> BREAKER_FAILURE_THRESHOLD =
            ConfigOptions.key("breaker.failure-threshold")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Failures of one rule within breaker.window (per subtask) that open its"
                                    + " circuit breaker, if they are also at least breaker.failure-rate"
                                    + " of its invocations.");

    public static final ConfigOption<Double> ROLLOUT_MAX_FAILURE_RATE =
            ConfigOptions.key("rollout.max-failure-rate")
                    .doubleType()
                    .defaultValue(0.05)
                    .withDescription(
                            "A rollout candidate failing on more than this share [0..1] of its"
                                    + " invocations (after rollout.min-events) is aborted on that"
                                    + " instance.");

    public static final ConfigOption<Integer> ROLLOUT_MIN_EVENTS =
            ConfigOptions.key("rollout.min-events")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Invocations of a rollout candidate on an instance before its failure"
                                    + " share can abort it.");

    public static final ConfigOption<Double> BREAKER_FAILURE_RATE =
            ConfigOptions.key("breaker.failure-rate")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription(
                            "Share of failed invocations (0..1] within the window that opens the breaker.");

    public static final ConfigOption<Duration> BREAKER_WINDOW =
            ConfigOptions.key("breaker.window")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("Sliding window over which failures are counted.");

    public static final ConfigOption<Duration> BREAKER_COOLDOWN =
            ConfigOptions.key("breaker.cooldown")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long an open breaker sends the rule's events to the dead-letter topic"
                                    + " before it lets trial events through (half-open).");

    public static final ConfigOption<Integer> BREAKER_HALF_OPEN_SUCCESSES =
            ConfigOptions.key("breaker.half-open.successes")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Successful trial invocations that close a half-open breaker (one failure"
                                    + " opens it again).");

    // ---- Job ----------------------------------------------------------------------------------

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Parallelism of the job (the rules source always runs once).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Interval of Flink checkpoints.");

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("rulecast")
                    .withDescription(
                            "Name of the Flink job; also the prefix of its Kafka transactional ids"
                                    + " (exactly-once), so two jobs on one cluster need two names.");

    public static final ConfigOption<String> CHECKPOINT_DIR =
            ConfigOptions.key("checkpoint.dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory (or file:// / s3:// URI) where checkpoints are kept after the"
                                    + " job stops; 'rulecast run' resumes from the latest one there"
                                    + " (default for 'rulecast run': ~/.rulecast/checkpoints/<job.name>).");

    public static final ConfigOption<Integer> METRICS_PROMETHEUS_PORT =
            ConfigOptions.key("metrics.prometheus.port")
                    .intType()
                    .defaultValue(9249)
                    .withDescription(
                            "Port on which an embedded run ('rulecast run', 'demo') serves Flink's"
                                    + " metrics for Prometheus (/metrics); 0 turns it off. On a"
                                    + " cluster, the cluster's metrics.reporter.* settings apply.");

    /**
     * Prefix of raw Flink settings, e.g. {@code flink.state.checkpoints.dir=file:///ckpt}; the
     * prefix is stripped and the rest handed to Flink as is.
     */
    public static final String FLINK_PREFIX = "flink.";

    /** Every fixed key, in the order of the documentation. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    KAFKA_BOOTSTRAP_SERVERS,
                    KAFKA_GROUP_ID,
                    KAFKA_STARTING_OFFSETS,
                    KAFKA_DELIVERY_GUARANTEE,
                    TOPIC_EVENTS,
                    TOPIC_ALERTS,
                    TOPIC_METRICS,
                    TOPIC_DLQ,
                    TOPIC_SHADOW,
                    RULES_JDBC_URL,
                    RULES_JDBC_USER,
                    RULES_JDBC_PASSWORD,
                    RULES_POLL_INTERVAL,
                    RULES_POLL_MAX_BACKOFF,
                    JDBC_CONNECT_TIMEOUT,
                    JDBC_SOCKET_TIMEOUT,
                    SINK_JDBC_URL,
                    SINK_JDBC_USER,
                    SINK_JDBC_PASSWORD,
                    SINK_TABLES_ALLOWED,
                    SINK_BATCH_SIZE,
                    SINK_CONNECTIONS,
                    SINK_FLUSH_INTERVAL,
                    SINK_MAX_RETRIES,
                    DIMS_JDBC_URL,
                    DIMS_JDBC_USER,
                    DIMS_JDBC_PASSWORD,
                    DIMS_OUTAGE_MAX_WAIT,
                    EVENTS_KEY_PATH,
                    EVENTS_MAX_SIZE,
                    EVENTS_UNROUTED_DEAD_LETTER,
                    ROUTING_HOLD_MAX_EVENTS,
                    ROUTING_HOLD_ALERT_AFTER,
                    SCRIPT_TIMEOUT,
                    SCRIPT_MEMORY_LIMIT,
                    SCRIPT_OUTPUT_LIMIT,
                    STATE_TTL,
                    BREAKER_FAILURE_THRESHOLD,
                    BREAKER_FAILURE_RATE,
                    BREAKER_WINDOW,
                    BREAKER_COOLDOWN,
                    BREAKER_HALF_OPEN_SUCCESSES,
                    ROLLOUT_MAX_FAILURE_RATE,
                    ROLLOUT_MIN_EVENTS,
                    PARALLELISM,
                    CHECKPOINT_INTERVAL,
                    CHECKPOINT_DIR,
                    JOB_NAME,
                    METRICS_PROMETHEUS_PORT);
}
