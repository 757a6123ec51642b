package io.rulecast.runtime.js;

import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.RuleContext;
import io.rulecast.runtime.ScriptFailure;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * {@code ctx} as a script sees it, and the {@code console} that logs through it. One instance per
 * polyglot context, made once: each member delegates to the {@link RuleContext} of the invocation
 * running at the time, so nothing is allocated per event and a {@code ctx} kept in a global still
 * only ever reaches the current invocation.
 *
 * <p>A failure raised by a ctx call (a bad argument, the output limit, a sandbox refusal) is also
 * recorded on the runner: catching it in the script does not make the invocation succeed.
 */
final class JsCtx {
    /**
     * Evaluated in each context: {@code ctx}, {@code ctx.state} and {@code console} as frozen plain
     * objects whose members are the host functions. Reading {@code ctx.upsert} is then an ordinary
     * property read inside the guest rather than a crossing into Java (two, for a proxy object),
     * and writes fail as on any frozen object, with a TypeError.
     */
    private static final String FACTORY =
            "(function (upsert, del, alert, metric, dim, log, get, put, incr, config) {"
                    + " 'use strict'; const f = Object.freeze;"
                    + " return [f({upsert: upsert, delete: del, alert: alert, metric: metric,"
                    + " dim: dim, state: f({get: get, put: put, incr: incr}), config: config,"
                    + " log: log}),"
                    + " f({log: log, info: log, warn: log, error: log, debug: log})]; })";

    private final JsRunner runner;
    private final ProxyExecutable upsert;
    private final ProxyExecutable delete;
    private final ProxyExecutable alert;
    private final ProxyExecutable metric;
    private final ProxyExecutable dim;
    private final ProxyExecutable log;
    private final StateFunctions state;

    JsCtx(JsRunner runner) {
        this.runner = runner;
        this.upsert =
                guarded(
                        "ctx.upsert",
                        a -> {
                            rule().upsert(
                                            text(a, 0, "ctx.upsert table"),
                                            map(a, 1, "ctx.upsert row"));
                            return null;
                        });
        this.delete =
                guarded(
                        "ctx.delete",
                        a -> {
                            rule().delete(
                                            text(a, 0, "ctx.delete table"),
                                            map(a, 1, "ctx.delete key"));
                            return null;
                        });
        this.alert =
                guarded(
                        "ctx.alert",
                        a -> {
                            rule().alert(
                                            text(a, 0, "ctx.alert level"),
                                            text(a, 1, "ctx.alert message"),
                                            map(a, 2, "ctx.alert fields"));
                            return null;
                        });
        this.metric =
                guarded(
                        "ctx.metric",
                        a -> {
                            rule().metric(
                                            text(a, 0, "ctx.metric name"),
                                            number(a, 1, "ctx.metric value"),
                                            map(a, 2, "ctx.metric tags"));
                            return null;
                        });
        this.dim =
                guarded(
                        "ctx.dim",
                        a ->
                                JsValues.toJs(
                                        rule().dim(
                                                        text(a, 0, "ctx.dim name"),
                                                        JsValues.toJava(
                                                                arg(a, 1),
                                                                FailureReason.SCRIPT_ERROR,
                                                                "ctx.dim key")),
                                        "a ctx.dim row"));
        this.log =
                guarded(
                        "ctx.log",
                        a -> {
                            rule().log(joined(a));
                            return null;
                        });
        this.state = new StateFunctions();
    }

    /**
     * Builds {@code ctx} and {@code console} in {@code context}: element 0 is ctx, element 1 the
     * console, whose every method writes to {@code ctx.log}.
     */
    Value toGuest(Context context) {
        return context.eval("js", FACTORY)
                .execute(
                        upsert,
                        delete,
                        alert,
                        metric,
                        dim,
                        log,
                        state.get,
                        state.put,
                        state.incr,
                        new ConfigView());
    }

    private RuleContext rule() {
        return runner.rule();
    }

    private ProxyExecutable guarded(String name, ProxyExecutable call) {
        return new Fn(name, runner, call);
    }

    /**
     * A ctx function. Named, so that error messages about it (GraalJS prints the receiver) show
     * {@code ctx.upsert}, not a Java class.
     */
    private static final class Fn implements ProxyExecutable {
        private final String name;
        private final JsRunner runner;
        private final ProxyExecutable call;

        Fn(String name, JsRunner runner, ProxyExecutable call) {
            this.name = name;
            this.runner = runner;
            this.call = call;
        }

        @Override
        public Object execute(Value... args) {
            try {
                return call.execute(args);
            } catch (PolyglotException e) {
                throw e; // script code (a getter, a proxy trap) threw while its value was read
            } catch (RuntimeException e) {
                throw runner.fail(e);
            }
        }

        @Override
        public String toString() {
            return "function " + name + "() { [native code] }";
        }
    }

    private static ScriptFailure readOnly(String what) {
        return new ScriptFailure(FailureReason.SCRIPT_ERROR, what + " is read-only");
    }

    private static Value arg(Value[] a, int i) {
        return i < a.length ? a[i] : null;
    }

    private static String text(Value[] a, int i, String what) {
        Value v = arg(a, i);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isNumber() || v.isBoolean()) {
            return String.valueOf(JsValues.toJava(v, FailureReason.SCRIPT_ERROR, what));
        }
        throw new ScriptFailure(FailureReason.SCRIPT_ERROR, what + " must be a string");
    }

    private static Map<?, ?> map(Value[] a, int i, String what) {
        Value v = arg(a, i);
        if (v == null) {
            return null;
        }
        Object o = JsValues.toJava(v, FailureReason.SCRIPT_ERROR, what);
        if (o != null && !(o instanceof Map)) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR, what + " must be an object, e.g. {id: 1}");
        }
        return (Map<?, ?>) o;
    }

    private static Number number(Value[] a, int i, String what) {
        Value v = arg(a, i);
        if (v == null || !v.isNumber()) {
            throw new ScriptFailure(FailureReason.SCRIPT_ERROR, what + " must be a number");
        }
        return (Number) JsValues.toJava(v, FailureReason.SCRIPT_ERROR, what);
    }

    /** What console.log prints: its arguments, objects in JavaScript notation. */
    private static String joined(Value[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(a[i].isString() ? a[i].asString() : a[i].toString());
        }
        return b.toString();
    }

    /** {@code ctx.state}: get, put and incr on the current event's key. */
    private final class StateFunctions {
        private final ProxyExecutable get =
                guarded(
                        "ctx.state.get",
                        a ->
                                JsValues.toJs(
                                        rule().getState().get(text(a, 0, "ctx.state name")),
                                        "a ctx.state value"));
        private final ProxyExecutable put =
                guarded(
                        "ctx.state.put",
                        a -> {
                            rule().getState()
                                    .put(
                                            text(a, 0, "ctx.state name"),
                                            JsValues.toJava(
                                                    a.length > 1 ? a[1] : null,
                                                    FailureReason.SCRIPT_ERROR,
                                                    "ctx.state value"));
                            return null;
                        });
        private final ProxyExecutable incr =
                guarded(
                        "ctx.state.incr",
                        a -> {
                            Value by = arg(a, 1);
                            Number n =
                                    by == null || by.isNull()
                                            ? 1
                                            : number(a, 1, "ctx.state.incr amount");
                            return JsValues.toJs(
                                    rule().getState().incr(text(a, 0, "ctx.state name"), n),
                                    "a ctx.state value");
                        });
    }

    /** {@code ctx.config}: the config of the rule running at the time, read-only. */
    private final class ConfigView implements ProxyObject {
        @Override
        public Object getMember(String key) {
            return JsValues.toJs(rule().getConfig().get(key), "ctx.config");
        }

        @Override
        public Object getMemberKeys() {
            return ProxyArray.fromArray(rule().getConfig().keySet().toArray());
        }

        @Override
        public boolean hasMember(String key) {
            return rule().getConfig().containsKey(key);
        }

        @Override
        public void putMember(String key, Value value) {
            throw readOnly("ctx.config");
        }

        @Override
        public boolean removeMember(String key) {
            throw readOnly("ctx.config");
        }

        @Override
        public String toString() {
            return "[object ctx.config]";
        }
    }
}
