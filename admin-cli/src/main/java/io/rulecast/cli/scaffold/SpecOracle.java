package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.Alert;
import io.rulecast.cli.scaffold.DomainSpec.Column;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import io.rulecast.cli.scaffold.DomainSpec.Metric;
import io.rulecast.event.BusinessEvent;
import io.rulecast.event.EventParser;
import io.rulecast.event.ParseResult;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.routing.KeyPath;
import io.rulecast.runtime.Language;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a spec says its rules do, computed in Java straight from the spec, independently of the
 * Groovy or JavaScript that {@link RuleWriter} writes: the replay lines each event should give
 * (failure and rejection messages left out: they are not compared), and which branches of its rule
 * the event took. The generator picks sample events with it; the scaffold checks the real runtime's
 * output against it.
 */
final class SpecOracle {
    private static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final DomainSpec spec;
    private final Language language;
    private final Map<String, Map<String, Map<String, Object>>> dims;
    private final Map<String, Map<String, Number>> state = new HashMap<>();
    private final EventParser parser = new EventParser();

    /** What one event does. */
    record Result(List<Map<String, Object>> lines, Set<String> branches) {}

    /**
     * @param dimRows the dimension rows by dimension name
     * @param language how numbers are written into alert messages
     */
    SpecOracle(DomainSpec spec, Map<String, List<Map<String, Object>>> dimRows, Language language) {
        this.spec = spec;
        this.language = language;
        this.dims = new HashMap<>();
        dimRows.forEach(
                (name, rows) -> {
                    Map<String, Map<String, Object>> byKey = new HashMap<>();
                    String key = spec.dimension(name).key();
                    rows.forEach(r -> byKey.put(keyText(r.get(key)), r));
                    dims.put(name, byKey);
                });
    }

    /** A copy with the same state, to try an event without keeping its effects. */
    SpecOracle fork() {
        SpecOracle f = new SpecOracle(spec, Map.of(), language);
        f.dims.putAll(dims);
        state.forEach((k, v) -> f.state.put(k, new HashMap<>(v)));
        return f;
    }

    Result run(String line) {
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> branches = new LinkedHashSet<>();
        ParseResult parsed = parser.parse(line);
        if (parsed instanceof ParseResult.Rejected r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", eventIdOf(line));
            m.put("kind", "rejected");
            m.put("reason", r.reason().name());
            out.add(m);
            branches.add("rejected:" + r.reason().name());
            return new Result(out, branches);
        }
        BusinessEvent event = ((ParseResult.Parsed) parsed).event();
        if (new KeyPath(spec.keyPath()).resolve(event.scriptView()) == null) {
            // The job keys an event before it routes it: no key, no rule.
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", event.eventId());
            m.put("kind", "rejected");
            m.put("reason", DeadLetterReason.NO_KEY.name());
            out.add(m);
            branches.add("rejected:" + DeadLetterReason.NO_KEY);
            return new Result(out, branches);
        }
        EventType type = spec.event(event.type());
        if (!spec.domain().equals(event.domain()) || type == null) {
            return new Result(out, branches);
        }
        new Invocation(event, type, out, branches).run();
        return new Result(out, branches);
    }

    /** One event through its rule. */
    private final class Invocation {
        private final BusinessEvent event;
        private final EventType type;
        private final List<Map<String, Object>> out;
        private final Set<String> branches;
        private final Map<String, Object> row = new LinkedHashMap<>();
        private final Map<String, Number> counters = new HashMap<>();
        private final String rule;
        private Scope scope;

        Invocation(
                BusinessEvent event,
                EventType type,
                List<Map<String, Object>> out,
                Set<String> branches) {
            this.event = event;
            this.type = type;
            this.out = out;
            this.branches = branches;
            this.rule = spec.domain() + "/" + type.type() + "/" + RuleWriter.RULE_NAME;
        }

        void run() {
            String t = type.type();
            for (Field f : type.fields()) {
                Object v = Values.at(event.payload(), f.path());
                branches.add(t + ":field:" + f.path() + (v == null ? ":absent" : ":present"));
                if (v == null && f.required()) {
                    Map<String, Object> m = head();
                    m.put("kind", "failure");
                    m.put("reason", "SCRIPT_ERROR");
                    out.add(m);
                    return;
                }
            }
            scope = Scope.of(spec, t);
            List<Column> columns = spec.wideTable().columnsOf(t);
            for (boolean computed : new boolean[] {false, true}) {
                for (Column c : columns) {
                    Source s = c.sources().get(t);
                    if ((s instanceof Source.Computed) == computed) {
                        row.put(c.name(), value(s));
                    }
                }
            }
            for (Alert a : spec.alertsOn(t)) {
                boolean fire = condition(a.when(), "alert:" + a.name());
                if (fire) {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("alert", a.name());
                    a.fields().forEach((k, e) -> fields.put(k, e.eval(this::name)));
                    Map<String, Object> m = head();
                    m.put("kind", "alert");
                    m.put("level", a.level());
                    m.put("message", message(a));
                    m.put("fields", fields);
                    out.add(m);
                }
            }
            for (Metric x : spec.metricsOn(t)) {
                Object value = x.value().eval(this::name);
                if (condition(x.when(), "metric:" + x.name()) && value != null) {
                    Map<String, Object> tags = new LinkedHashMap<>();
                    x.tags().forEach((k, e) -> tags.put(k, e.eval(this::name)));
                    Map<String, Object> m = head();
                    m.put("kind", "metric");
                    m.put("name", x.name());
                    m.put("value", value);
                    m.put("tags", tags);
                    out.add(m);
                }
            }
            if (!columns.isEmpty()) {
                Map<String, Object> m = head();
                m.put("kind", "upsert");
                m.put("table", spec.wideTable().name());
                m.put("row", row);
                out.add(m);
            }
            // Only a successful run keeps its counters, as the runtime keeps only its state writes.
            String key = stateKey();
            counters.forEach(
                    (name, v) -> state.computeIfAbsent(key, k -> new HashMap<>()).put(name, v));
        }

        private boolean condition(Expr when, String branch) {
            boolean holds = when == null || Boolean.TRUE.equals(when.eval(this::name));
            if (when != null) {
                branches.add(type.type() + ":" + branch + ":" + holds);
            }
            return holds;
        }

        private Map<String, Object> head() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", event.eventId());
            m.put("rule", rule);
            return m;
        }

        private Object name(String name) {
            Scope.Ref r = scope.resolve(name, "$");
            return switch (r.kind()) {
                case PAYLOAD -> Values.at(event.payload(), r.name());
                case COLUMN -> row.get(r.name());
                case EVENT -> event.scriptView().get(r.name());
            };
        }

        private Object value(Source s) {
            Object v;
            if (s instanceof Source.Payload p) {
                v = Values.at(event.payload(), p.field());
            } else if (s instanceof Source.Dim d) {
                Object key = Values.at(event.payload(), d.keyField());
                Map<String, Object> dimRow =
                        key == null ? null : dims.getOrDefault(d.dim(), Map.of()).get(keyText(key));
                branches.add(
                        type.type()
                                + ":dim:"
                                + d.dim()
                                + ":"
                                + d.keyField()
                                + (dimRow == null ? ":miss" : ":hit"));
                v = dimRow == null ? null : dimRow.get(d.column());
            } else if (s instanceof Source.Timestamp ts) {
                var at =
                        Instant.ofEpochMilli(event.timestamp())
                                .atOffset(ZoneOffset.ofHours(spec.utcOffsetHours()));
                v =
                        switch (ts.format()) {
                            case DATETIME -> at.format(DATETIME);
                            case DATE -> at.toLocalDate().toString();
                            case MILLIS -> event.timestamp();
                        };
            } else if (s instanceof Source.Counter c) {
                String name = counterName(c);
                v = counters.containsKey(name) ? counters.get(name) : increment(c, name);
            } else if (s instanceof Source.Const c) {
                v = c.value();
            } else {
                v = ((Source.Computed) s).expr().eval(this::name);
            }
            return v == null && s.orElse() != null ? value(s.orElse()) : v;
        }

        /** The state name of a counter: its name and the row's key, as the rules write it. */
        private String counterName(Source.Counter c) {
            StringBuilder key = new StringBuilder(c.name());
            for (String k : spec.wideTable().primaryKey()) {
                key.append(key.length() == c.name().length() ? ':' : '|')
                        .append(
                                Values.plain(
                                        value(
                                                spec.wideTable()
                                                        .column(k)
                                                        .sources()
                                                        .get(type.type()))));
            }
            return key.toString();
        }

        private Number increment(Source.Counter c, String name) {
            Number by =
                    c.byField() != null ? (Number) Values.at(event.payload(), c.byField()) : c.by();
            Number before = state.getOrDefault(stateKey(), Map.of()).get(name);
            BigDecimal sum =
                    Values.decimal(by)
                            .add(before == null ? BigDecimal.ZERO : Values.decimal(before));
            Number next = (Number) Values.number(sum);
            counters.put(name, next);
            return next;
        }

        private String stateKey() {
            return keyText(Values.at(event.scriptView(), spec.keyPath()));
        }

        private String message(Alert a) {
            StringBuilder sb = new StringBuilder();
            for (Object part : a.message().parts()) {
                sb.append(part instanceof Expr.Name n ? text(name(n.name())) : part);
            }
            return sb.toString();
        }
    }

    /** A value as string interpolation in the rule's language writes it. */
    private String text(Object v) {
        if (!(v instanceof Number n)) {
            return String.valueOf(v);
        }
        if (language == Language.GROOVY) {
            return n.toString();
        }
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return Long.toString((long) d);
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /** Keys compared as text, numbers without trailing zeros: the job's key function. */
    static String keyText(Object key) {
        return key == null ? "null" : KeyPath.text(key);
    }

    private static String eventIdOf(String line) {
        try {
            var n = io.rulecast.event.Json.MAPPER.readTree(line);
            var id = n == null ? null : n.get("eventId");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
