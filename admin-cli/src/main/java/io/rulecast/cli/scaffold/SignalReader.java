package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.Alert;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code $.alerts} and {@code $.metrics}: what each rule raises or counts, when, with which
 * fields or tags. Every expression is typed in the scope of its event type's rule.
 */
final class SignalReader {
    private static final Set<String> LEVELS = Set.of("INFO", "WARN", "ERROR", "CRITICAL");

    private SignalReader() {}

    static Alert alert(JsonAt a, DomainSpec spec, List<Alert> before) {
        a.object(SpecReader.orderedSet("name", "on", "when", "level", "message", "fields"));
        String name = a.get("name").identifier();
        if (before.stream().anyMatch(x -> x.name().equals(name))) {
            throw new SpecException(a.get("name").path(), "alert " + name + " appears twice", null);
        }
        Scope scope = scopeOn(a.get("on"), spec);
        String level = a.get("level").present() ? a.get("level").text(true) : "WARN";
        if (!LEVELS.contains(level)) {
            throw new SpecException(
                    a.get("level").path(),
                    "unknown level '" + level + "'",
                    "use INFO, WARN, ERROR or CRITICAL");
        }
        Template message = Template.parse(a.get("message").text(true), a.get("message").path());
        for (String n : message.names()) {
            scope.resolve(n, a.get("message").path());
        }
        return new Alert(
                name,
                scope.event().type(),
                condition(a.get("when"), scope),
                level,
                message,
                namedExpressions(a.get("fields"), scope));
    }

    static Metric metric(JsonAt m, DomainSpec spec, List<Metric> before) {
        m.object(SpecReader.orderedSet("name", "on", "when", "value", "tags"));
        String name = m.get("name").identifier();
        Scope scope = scopeOn(m.get("on"), spec);
        if (before.stream()
                .anyMatch(x -> x.name().equals(name) && x.on().equals(scope.event().type()))) {
            throw new SpecException(
                    m.get("name").path(),
                    "metric " + name + " appears twice for " + scope.event().type(),
                    null);
        }
        Expr value;
        JsonAt v = m.get("value");
        if (!v.present()) {
            value = new Expr.Literal(1);
        } else if (v.node().isNumber()) {
            value = new Expr.Literal(Values.number(v.node().decimalValue()));
        } else {
            value = Expr.parse(v.text(true), v.path());
        }
        if (!scope.typeOf(value, v.path()).isNumeric()) {
            throw new SpecException(
                    v.path(),
                    "'" + value.show() + "' is not a number",
                    "a metric's value is a number");
        }
        return new Metric(
                name,
                scope.event().type(),
                condition(m.get("when"), scope),
                value,
                namedExpressions(m.get("tags"), scope));
    }

    private static Scope scopeOn(JsonAt on, DomainSpec spec) {
        String type = on.text(true);
        if (spec.event(type) == null) {
            throw new SpecException(
                    on.path(),
                    "'" + type + "' is not an event type of the spec",
                    "use one of "
                            + String.join(
                                    ", ", spec.events().stream().map(EventType::type).toList()));
        }
        return Scope.of(spec, type);
    }

    private static Expr condition(JsonAt when, Scope scope) {
        if (!when.present()) {
            return null;
        }
        Expr e = Expr.parse(when.text(true), when.path());
        if (scope.typeOf(e, when.path()) != ValueType.BOOLEAN) {
            throw new SpecException(
                    when.path(),
                    "'" + e.show() + "' is not a condition",
                    "compare values, e.g. amount >= 1000");
        }
        return e;
    }

    /** {@code ["a", "b"]} (each the name of a value) or {@code {"out": "expression"}}. */
    private static Map<String, Expr> namedExpressions(JsonAt at, Scope scope) {
        Map<String, Expr> out = new LinkedHashMap<>();
        if (!at.present()) {
            return out;
        }
        if (at.node().isArray()) {
            for (JsonAt n : at.elements(false, false)) {
                String name = n.text(true);
                scope.resolve(name, n.path());
                out.put(name.substring(name.lastIndexOf('.') + 1), new Expr.Name(name));
            }
        } else {
            for (Map.Entry<String, JsonAt> e : at.members()) {
                Expr x = Expr.parse(e.getValue().text(true), e.getValue().path());
                scope.typeOf(x, e.getValue().path());
                out.put(e.getKey(), x);
            }
        }
        return out;
    }
}
