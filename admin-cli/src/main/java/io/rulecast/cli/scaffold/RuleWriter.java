package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.Alert;
import io.rulecast.cli.scaffold.DomainSpec.Column;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import io.rulecast.cli.scaffold.DomainSpec.Metric;
import io.rulecast.event.Json;
import io.rulecast.runtime.Language;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the rule of one event type: a readable, commented script that checks the required payload
 * fields, looks up its dimensions, counts, builds the row of exactly its columns (a partial upsert:
 * the columns other event types fill stay as they are), raises its alerts and metrics, and returns
 * the row.
 */
final class RuleWriter {
    /** Every generated rule is the main rule of its event type. */
    static final String RULE_NAME = "main";

    static final int PRIORITY = 100;

    private final DomainSpec spec;
    private final EventType event;
    private final Syntax syntax;
    private final Scope scope;
    private final Locals locals;
    private final List<Column> columns;
    private final Map<String, String> fieldLocals = new LinkedHashMap<>();
    private final Map<Source.DimLookup, String> dimRows = new LinkedHashMap<>();
    private final Map<String, String> counterLocals = new LinkedHashMap<>();
    private final List<String> out = new ArrayList<>();

    RuleWriter(DomainSpec spec, String eventType, Language language) {
        this.spec = spec;
        this.event = spec.event(eventType);
        this.syntax = Syntax.of(language);
        this.scope = Scope.of(spec, eventType);
        this.locals = new Locals(language);
        this.columns = spec.wideTable().columnsOf(eventType);
    }

    /** The {@code config_json} of the rule, as stored. */
    static String configJson(DomainSpec spec, String eventType) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (spec.writesRow(eventType)) {
            config.put("output_table", spec.wideTable().name());
        }
        if (usesLocalTime(spec, eventType)) {
            config.put("utc_offset_hours", spec.utcOffsetHours());
        }
        return Json.write(config);
    }

    static String fileName(String eventType, Language language) {
        return eventType.replaceAll("[^A-Za-z0-9_.-]", "_") + language.extension();
    }

    String write() {
        out.addAll(RuleHeader.lines(spec, event.type(), syntax.language()));
        declareFields();
        requireFields();
        localTime();
        if (usesOrElse()) {
            out.addAll(syntax.orElseHelper());
        }
        lookups();
        counters();
        row();
        alerts();
        metrics();
        out.add("");
        out.add(syntax.statement(columns.isEmpty() ? "return null" : "return row"));
        return String.join("\n", out) + "\n";
    }

    private void declareFields() {
        Set<String> used = new LinkedHashSet<>();
        for (Field f : event.requiredFields()) {
            used.add(f.path());
        }
        for (Column c : columns) {
            collectFields(c.sources().get(event.type()), used);
        }
        for (Alert a : spec.alertsOn(event.type())) {
            if (a.when() != null) {
                a.when().names(n -> addField(n, used));
            }
            a.message().names().forEach(n -> addField(n, used));
            a.fields().values().forEach(e -> e.names(n -> addField(n, used)));
        }
        for (Metric m : spec.metricsOn(event.type())) {
            if (m.when() != null) {
                m.when().names(n -> addField(n, used));
            }
            m.value().names(n -> addField(n, used));
            m.tags().values().forEach(e -> e.names(n -> addField(n, used)));
        }
        out.add(syntax.declare("p", "event.payload"));
        List<String[]> lines = new ArrayList<>();
        for (Field f : event.fields()) {
            if (used.contains(f.path())) {
                String local = locals.take(f.path().replace('.', '_'));
                fieldLocals.put(f.path(), local);
                lines.add(
                        new String[] {
                            syntax.declare(local, syntax.payload(f.segments())),
                            f.type().id() + (f.required() ? ", required" : ", optional")
                        });
            }
        }
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        for (String[] l : lines) {
            out.add(l[0] + " ".repeat(width - l[0].length()) + "  // " + l[1]);
        }
    }

    private void addField(String name, Set<String> used) {
        Scope.Ref r = scope.resolve(name, "$");
        if (r.kind() == Scope.Kind.PAYLOAD) {
            used.add(r.name());
        }
    }

    private void collectFields(Source s, Set<String> used) {
        if (s == null) {
            return;
        }
        if (s instanceof Source.Payload p) {
            used.add(p.field());
        } else if (s instanceof Source.Dim d) {
            used.add(d.keyField());
        } else if (s instanceof Source.Counter c && c.byField() != null) {
            used.add(c.byField());
        } else if (s instanceof Source.Computed c) {
            c.expr().names(n -> addField(n, used));
        }
        collectFields(s.orElse(), used);
    }

    private void requireFields() {
        List<Field> required = event.requiredFields();
        if (required.isEmpty()) {
            return;
        }
        List<String> tests = new ArrayList<>();
        for (Field f : required) {
            tests.add(fieldLocals.get(f.path()) + " " + syntax.eq() + " null");
        }
        out.add("if (" + String.join(" || ", tests) + ") {");
        out.add(
                syntax.indent()
                        + syntax.fail(event.type() + " needs " + RuleHeader.fieldList(required)));
        out.add("}");
    }

    private void localTime() {
        boolean datetime = false;
        boolean date = false;
        for (Column c : columns) {
            for (Source s = c.sources().get(event.type()); s != null; s = s.orElse()) {
                if (s instanceof Source.Timestamp t) {
                    datetime |= t.format() == Source.Timestamp.Format.DATETIME;
                    date |= t.format() == Source.Timestamp.Format.DATE;
                }
            }
        }
        if (datetime || date) {
            out.add("");
            out.add(
                    "// The event's time as local time (config_json utc_offset_hours), as DATETIME and DATE columns take it.");
            out.addAll(syntax.localTime(datetime, date));
            locals.reserve("offset", "offsetMillis", "at", "datetime", "date");
        }
    }

    static boolean usesLocalTime(DomainSpec spec, String eventType) {
        for (Column c : spec.wideTable().columnsOf(eventType)) {
            for (Source s = c.sources().get(eventType); s != null; s = s.orElse()) {
                if (s instanceof Source.Timestamp t
                        && t.format() != Source.Timestamp.Format.MILLIS) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean usesOrElse() {
        return columns.stream().anyMatch(c -> c.sources().get(event.type()).orElse() != null);
    }

    private void lookups() {
        Set<Source.DimLookup> lookups = spec.lookupsOf(event.type());
        if (lookups.isEmpty()) {
            return;
        }
        out.add("");
        Map<String, Integer> perDim = new LinkedHashMap<>();
        lookups.forEach(l -> perDim.merge(l.dim(), 1, Integer::sum));
        for (Source.DimLookup l : lookups) {
            String key = fieldLocals.get(l.keyField());
            String name =
                    locals.take(
                            perDim.get(l.dim()) == 1 ? l.dim() + "_row" : l.dim() + "_by_" + key);
            dimRows.put(l, name);
            String lookup = "ctx.dim(" + syntax.string(l.dim()) + ", " + key + ")";
            if (!event.field(l.keyField()).required()) {
                lookup = key + " " + syntax.eq() + " null ? null : " + lookup;
            }
            out.add(
                    syntax.declare(name, lookup)
                            + " // "
                            + spec.dimension(l.dim()).table()
                            + " row of payload."
                            + l.keyField()
                            + ", null when there is none");
        }
    }

    /** Counter name → its source, for this rule's columns. */
    private Map<String, Source.Counter> counterSources() {
        Map<String, Source.Counter> out = new LinkedHashMap<>();
        for (Column c : columns) {
            if (c.sources().get(event.type()) instanceof Source.Counter k) {
                out.putIfAbsent(k.name(), k);
            }
        }
        return out;
    }

    private void counters() {
        Map<String, Source.Counter> counters = counterSources();
        if (counters.isEmpty()) {
            return;
        }
        out.add("");
        out.add("// Counters of this row, kept in ctx.state under <name>:<primary key>.");
        List<Object> key = new ArrayList<>();
        for (String k : spec.wideTable().primaryKey()) {
            key.add(key.isEmpty() ? ":" : "|");
            key.add(new Syntax.Code(value(spec.wideTable().column(k).sources().get(event.type()))));
        }
        for (Source.Counter c : counters.values()) {
            List<Object> name = new ArrayList<>();
            name.add(c.name());
            name.addAll(key);
            String by = c.byField() != null ? fieldLocals.get(c.byField()) : Values.plain(c.by());
            String local = locals.take(c.name());
            counterLocals.put(c.name(), local);
            out.add(
                    syntax.declare(
                            local,
                            "ctx.state.incr(" + syntax.interpolate(merge(name)) + ", " + by + ")"));
        }
    }

    /** Adjacent literal strings joined, so that the interpolated string reads naturally. */
    private static List<Object> merge(List<Object> parts) {
        List<Object> merged = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof String s
                    && !merged.isEmpty()
                    && merged.get(merged.size() - 1) instanceof String prev) {
                merged.set(merged.size() - 1, prev + s);
            } else {
                merged.add(p);
            }
        }
        return merged;
    }

    private void row() {
        if (columns.isEmpty()) {
            return;
        }
        Map<String, String> entries = new LinkedHashMap<>();
        List<Column> computed = new ArrayList<>();
        for (Column c : columns) {
            Source s = c.sources().get(event.type());
            if (s instanceof Source.Computed) {
                computed.add(c);
            } else {
                entries.put(c.name(), value(s));
            }
        }
        out.add("");
        out.add(syntax.declare("row", syntax.map(entries, "", false)));
        for (Column c : computed) {
            out.add(
                    syntax.statement(
                                    syntax.rowColumn(c.name())
                                            + " = "
                                            + value(c.sources().get(event.type())))
                            + " // "
                            + ((Source.Computed) c.sources().get(event.type())).expr().show());
        }
    }

    /** The code of a source's value. */
    private String value(Source s) {
        String code;
        if (s instanceof Source.Payload p) {
            code = fieldLocals.get(p.field());
        } else if (s instanceof Source.Dim d) {
            code = syntax.dimColumn(dimRows.get(d.lookup()), d.column());
        } else if (s instanceof Source.Timestamp t) {
            code =
                    switch (t.format()) {
                        case DATETIME -> "datetime";
                        case DATE -> "date";
                        case MILLIS -> "event.timestamp";
                    };
        } else if (s instanceof Source.Counter c) {
            code = counterLocals.get(c.name());
        } else if (s instanceof Source.Const c) {
            code = syntax.literal(c.value());
        } else {
            code = expr().write(((Source.Computed) s).expr());
        }
        return s.orElse() == null ? code : syntax.orElse(code, value(s.orElse()));
    }

    private ExprCode expr() {
        return new ExprCode(
                syntax,
                scope,
                r ->
                        switch (r.kind()) {
                            case PAYLOAD -> fieldLocals.get(r.name());
                            case COLUMN -> syntax.rowColumn(r.name());
                            case EVENT -> syntax.event(r.name(), r.nullable());
                        });
    }

    private void alerts() {
        for (Alert a : spec.alertsOn(event.type())) {
            out.add("");
            out.add("// alert " + a.name() + (a.when() == null ? "" : ": " + a.when().show()));
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("alert", syntax.string(a.name()));
            a.fields().forEach((k, v) -> fields.put(k, expr().write(v)));
            List<Object> message = new ArrayList<>();
            for (Object part : a.message().parts()) {
                message.add(part instanceof Expr.Name n ? new Syntax.Code(expr().write(n)) : part);
            }
            String call =
                    syntax.statement(
                            "ctx.alert("
                                    + syntax.string(a.level())
                                    + ", "
                                    + syntax.interpolate(message)
                                    + ", "
                                    + syntax.map(fields, "", true)
                                    + ")");
            guarded(a.when(), null, call);
        }
    }

    private void metrics() {
        for (Metric m : spec.metricsOn(event.type())) {
            out.add("");
            out.add(
                    "// metric "
                            + m.name()
                            + " = "
                            + m.value().show()
                            + (m.when() == null ? "" : " when " + m.when().show()));
            Map<String, String> tags = new LinkedHashMap<>();
            m.tags().forEach((k, v) -> tags.put(k, expr().write(v)));
            String value = expr().write(m.value());
            String call =
                    syntax.statement(
                            "ctx.metric("
                                    + syntax.string(m.name())
                                    + ", "
                                    + value
                                    + (tags.isEmpty() ? "" : ", " + syntax.map(tags, "", true))
                                    + ")");
            String nonNull =
                    scope.nullable(m.value()) ? wrap(value) + " " + syntax.ne() + " null" : null;
            guarded(m.when(), nonNull, call);
        }
    }

    private void guarded(Expr when, String also, String call) {
        List<String> tests = new ArrayList<>();
        if (when != null) {
            String w = expr().write(when);
            tests.add(
                    also != null && when instanceof Expr.Binary b && b.op().equals("||")
                            ? "(" + w + ")"
                            : w);
        }
        if (also != null) {
            tests.add(also);
        }
        if (tests.isEmpty()) {
            out.add(call);
            return;
        }
        out.add("if (" + String.join(" && ", tests) + ") {");
        out.add(syntax.indent() + call);
        out.add("}");
    }

    private static String wrap(String code) {
        return code.matches("[A-Za-z_$][A-Za-z0-9_$.]*") || ExprCode.wrapped(code)
                ? code
                : "(" + code + ")";
    }
}
