package io.rulecast.job.it;

import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.job.output.Messages;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.job.sink.TableWrite;
import io.rulecast.routing.CircuitBreaker;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.routing.KeyPath;
import io.rulecast.routing.ReplayEngine;
import io.rulecast.routing.RuleRunner;
import io.rulecast.routing.RunningRule;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.testing.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The differential test's two sides over the same events and rules: the routing core's {@link
 * ReplayEngine} in this JVM, and the job (MiniCluster, broker, database) through a {@link
 * JobFixture}. Both reduce to {@link Outputs}: the final rows of the tables, and the alerts,
 * metrics and dead letters (with their reasons) as sorted lists of canonical text, numbers by value
 * ({@code 7} = {@code 7.0}), since the job's outputs of different keys arrive in no fixed order.
 */
final class Differential {
    private static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** What one side gave. {@code rows}: "table pk" → the row's columns. */
    record Outputs(
            Map<String, String> rows,
            List<String> alerts,
            List<String> metrics,
            List<String> deadLetters) {
        String summary() {
            return rows.size()
                    + " rows, "
                    + alerts.size()
                    + " alerts, "
                    + metrics.size()
                    + " metrics, "
                    + deadLetters.size()
                    + " dead letters";
        }
    }

    /** The primary-key columns of each table the rules write. */
    private final Map<String, List<String>> keys;

    private final boolean unroutedDeadLetter;

    /** The rows of the last replay, for {@link #job}'s choice of columns. */
    private Map<String, Map<String, Object>> replayRows = Map.of();

    Differential(Map<String, List<String>> keys, boolean unroutedDeadLetter) {
        this.keys = keys;
        this.unroutedDeadLetter = unroutedDeadLetter;
    }

    /** The enabled rules of the database, as replay reads them with {@code --from-db}. */
    static List<RuleDefinition> rulesOf(MariaDbExtension db) {
        List<RuleDefinition> out = new ArrayList<>();
        for (Map<String, Object> r :
                db.query(
                        "SELECT domain, event_type, rule_name, language, script, config_json,"
                                + " priority, enabled FROM routing_configs")) {
            out.add(
                    new RuleDefinition(
                            new RuleId(
                                    (String) r.get("domain"),
                                    (String) r.get("event_type"),
                                    (String) r.get("rule_name")),
                            Language.of((String) r.get("language")),
                            (String) r.get("script"),
                            (String) r.get("config_json"),
                            ((Number) r.get("priority")).intValue(),
                            !Boolean.FALSE.equals(r.get("enabled"))
                                    && !Integer.valueOf(0).equals(r.get("enabled"))));
        }
        return out;
    }

    /**
     * Replays the events through the routing core: the job's key path, rule order and runner, the
     * same table check (the job's {@link TableCatalog} over the same database) and breaker
     * settings.
     */
    Outputs replay(
            List<String> events,
            List<RuleDefinition> rules,
            String keyPath,
            DimensionLookup dims,
            TableCatalog catalog,
            CircuitBreaker.Settings breaker,
            Duration scriptTimeout)
            throws Exception {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        List<String> alerts = new ArrayList<>();
        List<String> metrics = new ArrayList<>();
        List<String> dead = new ArrayList<>();
        RuleRunner.WriteCheck check = w -> catalog.check(TableWrite.of(w, null, null, null, 0));
        try (ReplayEngine engine =
                new ReplayEngine(
                        new ScriptRuntime(RuntimeOptions.defaults().withTimeout(scriptTimeout)),
                        true,
                        rules,
                        dims,
                        new KeyPath(keyPath),
                        breaker,
                        check,
                        EventParser.DEFAULT_MAX_BYTES)) {
            for (String raw : events) {
                engine.replay(
                        raw.getBytes(StandardCharsets.UTF_8),
                        new ReplayEngine.Listener() {
                            @Override
                            public void rejected(
                                    String eventId, DeadLetterReason reason, String message) {
                                dead.add(deadLetter(reason.name(), null, raw));
                            }

                            @Override
                            public void ran(
                                    BusinessEvent event,
                                    RunningRule rule,
                                    String name,
                                    RuleRunner.Run run) {
                                if (!run.ok()) {
                                    dead.add(deadLetter(run.reason().name(), name, raw));
                                    return;
                                }
                                String id = event.eventId();
                                for (Emission e : run.outcome().emissions()) {
                                    if (e instanceof Emission.Upsert u) {
                                        rows.computeIfAbsent(
                                                        rowKey(u.table(), u.row()),
                                                        k -> new LinkedHashMap<>())
                                                .putAll(u.row());
                                    } else if (e instanceof Emission.Delete d) {
                                        rows.remove(rowKey(d.table(), d.key()));
                                    } else if (e instanceof Emission.Alert a) {
                                        alerts.add(
                                                alert(
                                                        id,
                                                        name,
                                                        a.level(),
                                                        a.message(),
                                                        a.fields()));
                                    } else if (e instanceof Emission.Metric m) {
                                        metrics.add(
                                                metric(id, name, m.name(), m.value(), m.tags()));
                                    }
                                }
                            }

                            @Override
                            public void unmatched(BusinessEvent event) {
                                if (unroutedDeadLetter) {
                                    dead.add(
                                            deadLetter(DeadLetterReason.NO_RULE.name(), null, raw));
                                }
                            }
                        });
            }
        }
        replayRows = rows;
        Map<String, String> canonRows = new TreeMap<>();
        rows.forEach((k, v) -> canonRows.put(k, canon(v)));
        return new Outputs(canonRows, sorted(alerts), sorted(metrics), sorted(dead));
    }

    /**
     * What the job gave: the tables' rows (each restricted to the columns replay's row of the same
     * key has, so database defaults such as {@code update_time} stay out), and the records on the
     * output topics except the probes'.
     */
    Outputs job(JobFixture job) {
        Map<String, String> rows = new TreeMap<>();
        for (Map.Entry<String, List<String>> t : keys.entrySet()) {
            for (Map<String, Object> r : job.db.query("SELECT * FROM " + t.getKey())) {
                String k = rowKey(t.getKey(), r);
                Map<String, Object> want = replayRows.get(k);
                Map<String, Object> got = new LinkedHashMap<>();
                r.forEach(
                        (c, v) -> {
                            if (want == null ? v != null : want.containsKey(c)) {
                                got.put(c, v);
                            }
                        });
                rows.put(k, canon(got));
            }
        }
        List<String> alerts = new ArrayList<>();
        for (TopicWatcher.Received r : job.alerts().all()) {
            Map<String, Object> m = r.json();
            if (m.get("rule") != null && !isProbe(m.get("rule"))) {
                alerts.add(
                        alert(
                                (String) m.get("eventId"),
                                (String) m.get("rule"),
                                (String) m.get("level"),
                                (String) m.get("message"),
                                m.get("fields")));
            }
        }
        List<String> metrics = new ArrayList<>();
        for (TopicWatcher.Received r : job.metrics().all()) {
            Map<String, Object> m = r.json();
            if (!isProbe(m.get("rule"))) {
                metrics.add(
                        metric(
                                (String) m.get("eventId"),
                                (String) m.get("rule"),
                                (String) m.get("name"),
                                m.get("value"),
                                m.get("tags")));
            }
        }
        List<String> dead = new ArrayList<>();
        for (TopicWatcher.Received r : job.dlq().all()) {
            dead.add(
                    deadLetter(
                            r.header(Messages.HEADER_REASON),
                            r.header(Messages.HEADER_RULE),
                            r.value()));
        }
        return new Outputs(rows, sorted(alerts), sorted(metrics), sorted(dead));
    }

    private static boolean isProbe(Object rule) {
        return rule != null && rule.toString().startsWith("probe/");
    }

    private String rowKey(String table, Map<String, Object> row) {
        List<String> pk = keys.get(table);
        if (pk == null) {
            throw new AssertionError("a write to a table the test does not know: " + table);
        }
        StringJoiner j = new StringJoiner(",", table + " ", "");
        for (String c : pk) {
            j.add(canon(row.get(c)));
        }
        return j.toString();
    }

    private static String alert(
            String eventId, String rule, String level, String message, Object fields) {
        return eventId + " " + rule + " " + level + " " + message + " " + canon(fields);
    }

    private static String metric(
            String eventId, String rule, String name, Object value, Object tags) {
        return eventId + " " + rule + " " + name + "=" + canon(value) + " " + canon(tags);
    }

    private static String deadLetter(String reason, String rule, String raw) {
        return reason + " " + rule + " " + raw;
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        Collections.sort(s);
        return s;
    }

    /** Text that is equal for equal values: maps by sorted key, numbers by value. */
    static String canon(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number n) {
            return KeyPath.text(n);
        }
        if (v instanceof String s) {
            return '"' + s + '"';
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, String> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), canon(x)));
            return sorted.toString();
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(x -> out.add(canon(x)));
            return out.toString();
        }
        if (v instanceof LocalDateTime t) {
            return '"' + t.format(DATETIME) + '"';
        }
        if (v instanceof Timestamp t) {
            return canon(t.toLocalDateTime());
        }
        return Objects.toString(v);
    }
}
