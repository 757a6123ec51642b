package io.rulecast.job;

import static io.rulecast.job.RulecastOptions.*;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * The job's configuration, loaded and checked once at start-up: a properties file, then the secrets
 * from the environment, then {@code --key value} arguments (each overrides the one before). Every
 * problem is a {@link ConfigException} naming the key and the fix, so a job never starts
 * half-configured.
 */
public final class RulecastConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String ENV_RULES_PASSWORD = "RULECAST_RULES_DB_PASSWORD";
    public static final String ENV_SINK_PASSWORD = "RULECAST_SINK_DB_PASSWORD";

    /** The argument naming the properties file. */
    public static final String CONFIG_ARG = "config";

    private static final Pattern DIM_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern TABLE_NAME =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Set<String> SECRET_KEYS =
            Set.of(RULES_JDBC_PASSWORD.key(), SINK_JDBC_PASSWORD.key(), DIMS_JDBC_PASSWORD.key());

    /** Keys under {@code dims.} that configure every dimension, not a group of one. */
    private static final Set<String> RESERVED_DIMS_KEYS =
            Set.of(
                    DIMS_JDBC_URL.key(),
                    DIMS_JDBC_USER.key(),
                    DIMS_JDBC_PASSWORD.key(),
                    DIMS_OUTAGE_MAX_WAIT.key());

    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final Configuration conf;

    private RulecastConfig(Map<String, String> values, Map<String, String> origins) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.origins = Collections.unmodifiableMap(new TreeMap<>(origins));
        this.conf = Configuration.fromMap(values);
        validate();
    }

    /**
     * Loads {@code --config FILE} (optional) and the other {@code --key value} / {@code
     * --key=value} arguments, with secrets from {@code env}.
     */
    public static RulecastConfig fromArgs(String[] args, Map<String, String> env) {
        Map<String, String> argValues = parseArgs(args);
        String file = argValues.remove(CONFIG_ARG);
        return load(file == null ? null : Path.of(file), argValues, env);
    }

    /**
     * Loads a properties file (may be null), then the environment's secrets, then {@code
     * overrides}.
     */
    public static RulecastConfig load(
            Path propertiesFile, Map<String, String> overrides, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (propertiesFile != null) {
            Properties p = readProperties(propertiesFile);
            for (String k : new TreeSet<>(p.stringPropertyNames())) {
                values.put(k, p.getProperty(k).trim());
                origins.put(k, propertiesFile.getFileName().toString());
            }
        }
        putEnv(env, ENV_RULES_PASSWORD, RULES_JDBC_PASSWORD, values, origins);
        putEnv(env, ENV_SINK_PASSWORD, SINK_JDBC_PASSWORD, values, origins);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            values.put(e.getKey(), e.getValue());
            origins.put(e.getKey(), "--" + e.getKey());
        }
        return new RulecastConfig(values, origins);
    }

    /** A configuration from plain key/value pairs (tests, the CLI's {@code run}). */
    public static RulecastConfig of(Map<String, String> values) {
        Map<String, String> origins = new LinkedHashMap<>();
        values.keySet().forEach(k -> origins.put(k, "--" + k));
        return new RulecastConfig(new LinkedHashMap<>(values), origins);
    }

    /** A copy with {@code key} set to {@code value}. */
    public RulecastConfig with(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, String> o = new LinkedHashMap<>(origins);
        v.put(key, value);
        o.put(key, "--" + key);
        return new RulecastConfig(v, o);
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException(
                        "unexpected argument '"
                                + a
                                + "': pass settings as --key value (e.g. --rules.jdbc.url"
                                + " jdbc:mysql://host/db) or --config FILE");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new ConfigException(
                        "--" + key + " has no value: pass it as --" + key + " <value>");
            }
            out.put(key, value.trim());
        }
        return out;
    }

    private static Properties readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ConfigException(
                    "configuration file " + file + " does not exist: check the --config path");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(
                    "cannot read configuration file " + file + ": " + e.getMessage());
        }
        return p;
    }

    private static void putEnv(
            Map<String, String> env,
            String variable,
            ConfigOption<String> option,
            Map<String, String> values,
            Map<String, String> origins) {
        String v = env.get(variable);
        if (v != null && !v.isEmpty()) {
            values.put(option.key(), v);
            origins.put(option.key(), "environment " + variable);
        }
    }

    // ---- checks ---------------------------------------------------------------------------------

    private void validate() {
        checkKeys();
        for (ConfigOption<?> o : ALL) {
            get(o);
        }
        String rulesUrl = values.get(RULES_JDBC_URL.key());
        if (rulesUrl == null || rulesUrl.isBlank()) {
            throw missing(RULES_JDBC_URL);
        }
        requireJdbc(RULES_JDBC_URL);
        if (values.containsKey(SINK_JDBC_URL.key())) {
            requireJdbc(SINK_JDBC_URL);
        }
        if (values.containsKey(DIMS_JDBC_URL.key())) {
            requireJdbc(DIMS_JDBC_URL);
        }
        requirePositive(DIMS_OUTAGE_MAX_WAIT);
        requirePositive(RULES_POLL_INTERVAL);
        requirePositive(RULES_POLL_MAX_BACKOFF);
        requirePositive(JDBC_CONNECT_TIMEOUT);
        requirePositive(JDBC_SOCKET_TIMEOUT);
        requirePositive(SINK_FLUSH_INTERVAL);
        requirePositive(SCRIPT_TIMEOUT);
        requirePositive(STATE_TTL);
        requirePositive(BREAKER_WINDOW);
        requirePositive(BREAKER_COOLDOWN);
        requirePositive(CHECKPOINT_INTERVAL);
        requireAtLeast(PARALLELISM, 1);
        requireAtLeast(SINK_BATCH_SIZE, 1);
        requireAtLeast(SINK_CONNECTIONS, 1);
        requireAtLeast(SINK_MAX_RETRIES, 0);
        requireAtLeast(SCRIPT_OUTPUT_LIMIT, 1);
        requireAtLeast(BREAKER_FAILURE_THRESHOLD, 1);
        requireAtLeast(BREAKER_HALF_OPEN_SUCCESSES, 1);
        double rate = get(BREAKER_FAILURE_RATE);
        if (!(rate > 0 && rate <= 1)) {
            throw bad(BREAKER_FAILURE_RATE, "expected a share between 0 (exclusive) and 1");
        }
        requireAtLeast(ROLLOUT_MIN_EVENTS, 1);
        double maxFailures = get(ROLLOUT_MAX_FAILURE_RATE);
        if (!(maxFailures >= 0 && maxFailures <= 1)) {
            throw bad(ROLLOUT_MAX_FAILURE_RATE, "expected a share between 0 and 1");
        }
        if (get(SCRIPT_MEMORY_LIMIT).getBytes() <= 0) {
            throw bad(SCRIPT_MEMORY_LIMIT, "expected a size such as '64 mb'");
        }
        if (get(EVENTS_MAX_SIZE).getBytes() <= 0) {
            throw bad(EVENTS_MAX_SIZE, "expected a size such as '1 mb'");
        }
        oneOf(KAFKA_STARTING_OFFSETS, "committed", "earliest", "latest");
        oneOf(KAFKA_DELIVERY_GUARANTEE, "at-least-once", "exactly-once", "none");
        if (get(EVENTS_KEY_PATH).isBlank()
                || get(EVENTS_KEY_PATH).startsWith(".")
                || get(EVENTS_KEY_PATH).endsWith(".")) {
            throw bad(
                    EVENTS_KEY_PATH,
                    "expected a dotted path such as 'eventId' or 'payload.userId'");
        }
        for (String t : allowedTables()) {
            if (!TABLE_NAME.matcher(t).matches()) {
                throw bad(
                        SINK_TABLES_ALLOWED,
                        "'"
                                + t
                                + "' is not a table name (letters, digits, '_', optionally db.table)");
            }
        }
        for (String dim : dimensionNames()) {
            if (!DIM_NAME.matcher(dim).matches()) {
                throw new ConfigException(
                        "bad dimension name '"
                                + dim
                                + "' in dims."
                                + dim
                                + ".*: use letters, digits, '_' and '-'");
            }
            String table = get(dimTable(dim));
            if (table == null || table.isBlank()) {
                throw missing(dimTable(dim));
            }
            if (!TABLE_NAME.matcher(table).matches()) {
                throw bad(dimTable(dim), "expected a table name");
            }
            String column = get(dimKeyColumn(dim));
            if (column == null || column.isBlank()) {
                throw missing(dimKeyColumn(dim));
            }
            if (!TABLE_NAME.matcher(column).matches() || column.contains(".")) {
                throw bad(dimKeyColumn(dim), "expected a column name");
            }
            requirePositive(dimTtl(dim));
            if (get(dimMaxEntries(dim)) < 1) {
                throw bad(dimMaxEntries(dim), "expected a number of at least 1");
            }
            get(dimPreload(dim)); // true or false, checked here rather than when a task opens
        }
    }

    private void checkKeys() {
        Set<String> known = new TreeSet<>();
        for (ConfigOption<?> o : ALL) {
            known.add(o.key());
        }
        for (String key : values.keySet()) {
            if (known.contains(key)
                    || key.startsWith(KAFKA_PROPERTIES_PREFIX)
                            && key.length() > KAFKA_PROPERTIES_PREFIX.length()
                    || key.startsWith(FLINK_PREFIX) && key.length() > FLINK_PREFIX.length()) {
                continue;
            }
            if (key.startsWith(DIMS_PREFIX)) {
                int dot = key.indexOf('.', DIMS_PREFIX.length());
                if (dot > DIMS_PREFIX.length() && DIM_KEYS.contains(key.substring(dot + 1))) {
                    continue;
                }
                throw new ConfigException(
                        "unknown key "
                                + key
                                + origin(key)
                                + ": a dimension is configured with dims.<name>.{"
                                + String.join(",", DIM_KEYS)
                                + "}");
            }
            String suggestion = closest(key, known);
            throw new ConfigException(
                    "unknown key "
                            + key
                            + origin(key)
                            + (suggestion == null
                                    ? ": remove it or check its spelling"
                                    : ": did you mean " + suggestion + "?"));
        }
    }

    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private void requireJdbc(ConfigOption<String> option) {
        String v = get(option);
        if (!v.startsWith("jdbc:")) {
            throw bad(option, "expected a JDBC URL such as jdbc:mysql://127.0.0.1:3306/rulecast");
        }
    }

    private void requirePositive(ConfigOption<Duration> option) {
        Duration d = get(option);
        if (d.isNegative() || d.isZero()) {
            throw bad(option, "expected a positive duration such as '500 ms', '10 s' or '7 d'");
        }
    }

    private void requireAtLeast(ConfigOption<Integer> option, int min) {
        if (get(option) < min) {
            throw bad(option, "expected a number of at least " + min);
        }
    }

    private void oneOf(ConfigOption<String> option, String... allowed) {
        String v = get(option).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return;
            }
        }
        throw bad(option, "expected one of " + String.join(", ", allowed));
    }

    private ConfigException missing(ConfigOption<?> option) {
        return new ConfigException(
                "missing "
                        + option.key()
                        + ": set it in the properties file or pass --"
                        + option.key()
                        + " <value>");
    }

    private ConfigException bad(ConfigOption<?> option, String expected) {
        String key = option.key();
        String shown = shown(key, values.get(key));
        return new ConfigException(
                "bad value '"
                        + shown
                        + "' for "
                        + key
                        + origin(key)
                        + ": "
                        + expected
                        + "; fix it in the properties file or pass --"
                        + key
                        + " <value>");
    }

    private String origin(String key) {
        String o = origins.get(key);
        return o == null || o.equals("--" + key) ? "" : " (from " + o + ")";
    }

    // ---- typed access ---------------------------------------------------------------------------

    /**
     * The value of {@code option}, or its default.
     *
     * @throws ConfigException when the value does not parse as the option's type
     */
    public <T> T get(ConfigOption<T> option) {
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            throw bad(option, expectation(option));
        }
    }

    private static String expectation(ConfigOption<?> option) {
        ConfigOption<?> probe = option;
        Object def = probe.hasDefaultValue() ? probe.defaultValue() : null;
        if (def instanceof Duration) {
            return "expected a duration such as '500 ms', '10 s', '10 min' or '7 d'";
        }
        if (def instanceof MemorySize) {
            return "expected a size such as '64 mb' or '1 gb'";
        }
        if (def instanceof Integer || def instanceof Long) {
            return "expected a whole number";
        }
        if (def instanceof Double) {
            return "expected a number";
        }
        if (def instanceof Boolean) {
            return "expected true or false";
        }
        return "expected a value of another form";
    }

    /** The raw value of a key as configured, or null. */
    public String raw(String key) {
        return values.get(key);
    }

    /** The database holding {@code routing_configs}, with the {@code jdbc.*} timeouts. */
    public JdbcConnectionSpec rulesDatabase() {
        return new JdbcConnectionSpec(
                get(RULES_JDBC_URL),
                get(RULES_JDBC_USER),
                get(RULES_JDBC_PASSWORD),
                get(JDBC_CONNECT_TIMEOUT),
                get(JDBC_SOCKET_TIMEOUT));
    }

    /**
     * The database rules write to and look dimensions up in ({@code sink.jdbc.*}, else the rules'),
     * with the {@code jdbc.*} timeouts.
     */
    public JdbcConnectionSpec sinkDatabase() {
        return new JdbcConnectionSpec(
                sinkJdbcUrl(),
                sinkJdbcUser(),
                sinkJdbcPassword(),
                get(JDBC_CONNECT_TIMEOUT),
                get(JDBC_SOCKET_TIMEOUT));
    }

    /**
     * The database of the dimension tables ({@code dims.jdbc.*}, else the sink's), with the {@code
     * jdbc.*} timeouts.
     */
    public JdbcConnectionSpec dimensionDatabase() {
        return new JdbcConnectionSpec(
                values.getOrDefault(DIMS_JDBC_URL.key(), sinkJdbcUrl()),
                values.getOrDefault(DIMS_JDBC_USER.key(), sinkJdbcUser()),
                values.getOrDefault(DIMS_JDBC_PASSWORD.key(), sinkJdbcPassword()),
                get(JDBC_CONNECT_TIMEOUT),
                get(JDBC_SOCKET_TIMEOUT));
    }

    /** The sink's JDBC URL: {@code sink.jdbc.url}, else the rules'. */
    public String sinkJdbcUrl() {
        return values.getOrDefault(SINK_JDBC_URL.key(), get(RULES_JDBC_URL));
    }

    public String sinkJdbcUser() {
        return values.getOrDefault(SINK_JDBC_USER.key(), get(RULES_JDBC_USER));
    }

    public String sinkJdbcPassword() {
        return values.getOrDefault(SINK_JDBC_PASSWORD.key(), get(RULES_JDBC_PASSWORD));
    }

    /** {@code sink.tables.allowed}, split on commas. */
    public List<String> allowedTables() {
        String v = values.get(SINK_TABLES_ALLOWED.key());
        List<String> out = new ArrayList<>();
        if (v != null) {
            for (String t : v.split(",")) {
                if (!t.isBlank()) {
                    out.add(t.trim());
                }
            }
        }
        return out;
    }

    /** Names of the configured dimensions ({@code dims.<name>.*}), sorted. */
    public Set<String> dimensionNames() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : values.keySet()) {
            if (key.startsWith(DIMS_PREFIX) && !RESERVED_DIMS_KEYS.contains(key)) {
                int dot = key.indexOf('.', DIMS_PREFIX.length());
                if (dot > DIMS_PREFIX.length()) {
                    names.add(key.substring(DIMS_PREFIX.length(), dot));
                }
            }
        }
        return names;
    }

    /** Kafka client properties from {@code kafka.properties.*}, prefix stripped. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        values.forEach(
                (k, v) -> {
                    if (k.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                        p.setProperty(k.substring(KAFKA_PROPERTIES_PREFIX.length()), v);
                    }
                });
        return p;
    }

    /** Flink settings from {@code flink.*}, prefix stripped. */
    public Configuration flinkConfiguration() {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach(
                (k, v) -> {
                    if (k.startsWith(FLINK_PREFIX)) {
                        m.put(k.substring(FLINK_PREFIX.length()), v);
                    }
                });
        return Configuration.fromMap(m);
    }

    /**
     * Passwords, JAAS configurations, and Kafka client properties named like secrets or keys
     * ({@code *secret*}, {@code *.key*}: {@code sasl.client.secret}, {@code ssl.key.password},
     * {@code ssl.keystore.key}).
     */
    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (SECRET_KEYS.contains(key) || k.contains("password") || k.contains("jaas")) {
            return true;
        }
        if (k.startsWith(KAFKA_PROPERTIES_PREFIX)) {
            String name = k.substring(KAFKA_PROPERTIES_PREFIX.length());
            return name.contains("secret") || name.contains(".key");
        }
        return false;
    }

    /** What logs and messages may show of a value: secrets masked, passwords in URLs too. */
    static String shown(String key, String value) {
        if (isSecret(key)) {
            return "***";
        }
        return key.endsWith(".url") ? JdbcConnectionSpec.maskPassword(value) : value;
    }

    /** Every configured key and value, secrets masked: what the job logs at start-up. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach(
                (k, v) -> {
                    if (sb.length() > 0) {
                        sb.append(", ");
                    }
                    sb.append(k).append('=').append(shown(k, v));
                });
        return sb.toString();
    }
}
