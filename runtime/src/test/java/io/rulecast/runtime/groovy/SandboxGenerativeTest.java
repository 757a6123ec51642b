package io.rulecast.runtime.groovy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import groovy.lang.Closure;
import groovy.lang.GString;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.CompiledRule;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleContext;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleHarness;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.spi.CompiledScript;
import io.rulecast.runtime.spi.ScriptEngine;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Generated escapes: every receiver a rule can hold, combined with every way Groovy reaches a
 * member by name, with names that lead out of the sandbox. Each script runs through the real
 * runtime; the value it computed is inspected before the runtime converts it. None may hold an
 * object outside the types a rule is allowed to hold, and none may change state other than through
 * the script API.
 */
class SandboxGenerativeTest {

    /** What a rule may hold. */
    static final List<String> RECEIVERS =
            List.of(
                    "event",
                    "event.payload",
                    "event.payload.tags",
                    "ctx",
                    "ctx.state",
                    "ctx.config",
                    "{ -> 1 }",
                    "{ a, b -> a }",
                    "'abc'",
                    "\"g${1}\"",
                    "42",
                    "7L",
                    "1.5G",
                    "12345678901234567890G",
                    "2.5d",
                    "true",
                    "[1, 2]",
                    "[a: 1]",
                    "[ctx]",
                    "[{ -> 1 }]",
                    "[a: ctx]",
                    "[[ctx]]",
                    "(['x'] as String[])",
                    "([ctx] as Object[])",
                    "('ab' =~ /a/)",
                    "[a: 1].entrySet().first()",
                    "[k: ctx].entrySet().first()",
                    "[1].iterator()",
                    "[ctx].iterator()",
                    "new Date(0)",
                    "(1..3)",
                    "[1, 2].withIndex()");

    /** Every form that reaches a member by name; N is the name. */
    static final List<String> FORMS =
            List.of(
                    "R.N",
                    "R?.N",
                    "R*.N",
                    "R['N']",
                    "R?['N']",
                    "R.getAt('N')",
                    "R.get('N')",
                    "R.N()",
                    "R?.N()",
                    "R*.N()",
                    "R.collect { it.N }",
                    "R.collect { it['N'] }",
                    "R.findResult { it.N }",
                    "R.inject(null) { a, b -> b.N }",
                    "R.iterator().next().N",
                    "R.toList()['N']",
                    "R.toList()*.N",
                    "[k: R]['k'].N",
                    "[R].flatten()*.N",
                    "[R, R].sum().N",
                    "(R as List)*.N",
                    "R.N = 1",
                    "R['N'] = 1",
                    "R.putAt('N', 1)",
                    "R.N += 1",
                    "\"${R.N}\"",
                    "R.with { it.N }",
                    "R.tap { it.N }",
                    "R.each { x -> x.N }",
                    "R.find { it.N }");

    /** Forms without a name: printing and introspection helpers Groovy adds to every object. */
    static final List<String> HELPERS =
            List.of(
                    "R.dump()",
                    "R.inspect()",
                    "R.properties",
                    "R.getProperties()",
                    "R.println()",
                    "R.print('x')",
                    "R.printf('%s', 1)",
                    "R.identity { it }",
                    "R.toString()",
                    "R.iterator()",
                    "R.asImmutable()",
                    "R.metaPropertyValues",
                    "R.sum()",
                    "R.max()",
                    "R.join(',')",
                    "R.flatten()",
                    "R as Map",
                    "R as List",
                    "R as String",
                    "R.asType(Map)");

    /** Names that lead to the meta-level or to the runtime's private objects. */
    static final List<String> NAMES =
            List.of(
                    "class",
                    "metaClass",
                    "classLoader",
                    "rule",
                    "state",
                    "store",
                    "pending",
                    "dims",
                    "options",
                    "definition",
                    "delegate",
                    "owner",
                    "thisObject",
                    "bytes");

    @Test
    void noGeneratedScriptReachesAnObjectOutsideTheSandbox() throws Exception {
        List<String> scripts = new ArrayList<>();
        for (String r : RECEIVERS) {
            for (String f : FORMS) {
                for (String n : NAMES) {
                    scripts.add(f.replace("R", r).replace("N", n));
                }
            }
            for (String f : HELPERS) {
                scripts.add(f.replace("R", r));
            }
        }
        assertTrue(scripts.size() >= 10_000, "only " + scripts.size() + " scripts");

        RuntimeOptions options =
                RuntimeOptions.defaults()
                        .withTimeout(Duration.ofMillis(500))
                        .withColdStartTimeout(Duration.ofSeconds(2));
        Recorder recorder = new Recorder(new GroovyEngine(options));
        RuleHarness h = new RuleHarness(options);
        h.dims.put("d", new HashMap<>(Map.of("k", Map.of("v", 1))));
        Map<String, Object> stateBefore = new HashMap<>(h.state.values);
        String dimsBefore = h.dims.toString();
        int refused = 0;
        int failed = 0;
        int ran = 0;
        List<String> escapes = new ArrayList<>();
        try (ScriptRuntime runtime = new ScriptRuntime(options, List.of(recorder))) {
            for (String script : scripts) {
                CompiledRule rule;
                try {
                    rule =
                            runtime.compile(
                                    new RuleDefinition(
                                            new RuleId("gen", "t", "r"),
                                            Language.GROOVY,
                                            script,
                                            "{\"output_table\":\"t\",\"k\":[1]}"));
                } catch (CompileException e) {
                    refused++;
                    continue;
                }
                recorder.last = NOTHING;
                Outcome o;
                try {
                    o = rule.invoke(RuleHarness.sampleEvent(), h.state, h.lookup());
                } catch (Throwable t) {
                    escapes.add(script.replace('\n', ' ') + "  →  invoke threw " + t);
                    continue;
                }
                if (o.failure() == null) {
                    ran++;
                } else {
                    failed++;
                }
                Object value = recorder.last;
                String outside = outside(value, new IdentityHashMap<>(), 0);
                if (outside != null) {
                    escapes.add(script.replace('\n', ' ') + "  →  " + outside);
                }
                if (!h.state.values.equals(stateBefore) || !h.dims.toString().equals(dimsBefore)) {
                    escapes.add(script.replace('\n', ' ') + "  →  changed state or dimensions");
                    h.state.values.clear();
                    h.state.values.putAll(stateBefore);
                }
            }
        } finally {
            h.close();
        }
        System.out.printf(
                "%d generated scripts: %d refused at compile time, %d failed at run time, %d ran%n",
                scripts.size(), refused, failed, ran);
        assertEquals(List.of(), escapes, escapes.size() + " scripts escaped");
    }

    private static final Object NOTHING = new Object();

    /** The first object in {@code v} that a rule may not hold, or null. */
    static String outside(Object v, Map<Object, Boolean> seen, int depth) {
        if (v == null || v == NOTHING || depth > 20 || seen.put(v, Boolean.TRUE) != null) {
            return null;
        }
        Class<?> c = v.getClass();
        if (v instanceof String
                || v instanceof Boolean
                || v instanceof Character
                || (v instanceof Number && c.getClassLoader() == null)
                || v instanceof Date
                || v instanceof Pattern
                || v instanceof RuleContext
                || v instanceof RuleContext.StateView
                || (c.getName().startsWith("java.time.") && c.getClassLoader() == null)) {
            return null;
        }
        if (v instanceof Closure<?> && c.getClassLoader() instanceof RuleClassLoader) {
            return null;
        }
        if (v instanceof Matcher || v instanceof Iterator<?> && groovyOrJdk(c)) {
            return null;
        }
        if (v instanceof GString g) {
            for (Object o : g.getValues()) {
                String bad = outside(o, seen, depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        if (v instanceof Map.Entry<?, ?> e && c.getClassLoader() == null) {
            String bad = outside(e.getKey(), seen, depth + 1);
            return bad != null ? bad : outside(e.getValue(), seen, depth + 1);
        }
        if (v instanceof Map<?, ?> m && plainContainer(c)) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String bad = outside(e.getKey(), seen, depth + 1);
                bad = bad != null ? bad : outside(e.getValue(), seen, depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        if (v instanceof Collection<?> col && plainContainer(c)) {
            for (Object o : col) {
                String bad = outside(o, seen, depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        if (c.isArray()) {
            if (c.getComponentType().isPrimitive()) {
                return null;
            }
            for (int i = 0; i < Array.getLength(v); i++) {
                String bad = outside(Array.get(v, i), seen, depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        return c.getName();
    }

    /** A class of the JDK or of Groovy's own runtime (its iterators over arrays and ranges). */
    private static boolean groovyOrJdk(Class<?> c) {
        return c.getClassLoader() == null
                || c.getName().startsWith("org.codehaus.groovy.")
                || c.getName().startsWith("groovy.lang.");
    }

    /** JDK collections and Groovy's own plain ones (ranges, tuples). */
    private static boolean plainContainer(Class<?> c) {
        return c.getClassLoader() == null || PLAIN_GROOVY.contains(c.getName());
    }

    private static final Set<String> PLAIN_GROOVY =
            Set.of(
                    "groovy.lang.IntRange",
                    "groovy.lang.ObjectRange",
                    "groovy.lang.Tuple2",
                    "groovy.lang.Tuple",
                    "groovy.lang.NumberRange");

    /** Keeps the value a script computed, before the runtime converts it. */
    static final class Recorder implements ScriptEngine {
        private final GroovyEngine engine;
        volatile Object last = NOTHING;

        Recorder(GroovyEngine engine) {
            this.engine = engine;
        }

        @Override
        public Language language() {
            return Language.GROOVY;
        }

        @Override
        public CompiledScript compile(String script, String sourceName) throws CompileException {
            CompiledScript compiled = engine.compile(script, sourceName);
            return (event, ctx) -> {
                Object v = compiled.run(event, ctx);
                last = v;
                return v;
            };
        }
    }
}
