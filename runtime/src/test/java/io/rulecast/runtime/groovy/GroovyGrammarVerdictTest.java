package io.rulecast.runtime.groovy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.Outcome;
import io.rulecast.runtime.RuleHarness;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.stmt.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every construct of the Groovy grammar with the sandbox's verdict: VERIFIED (checked and
 * rewritten: the sample runs) or REFUSED (the sample does not compile). The node classes are read
 * from the Groovy jar itself, so a Groovy version that adds an expression or statement fails {@link
 * #everyNodeClassHasAVerdict} until someone decides its verdict here.
 */
class GroovyGrammarVerdictTest {
    enum Verdict {
        VERIFIED,
        REFUSED
    }

    /** Node class → verdict and a rule that uses it. */
    static final Map<String, Object[]> NODES = new TreeMap<>();

    private static void node(String type, Verdict v, String sample) {
        NODES.put(type, new Object[] {v, sample});
    }

    static {
        // expressions
        node(
                "AnnotationConstantExpression",
                Verdict.REFUSED,
                "@SuppressWarnings(value = 'x') def f() { 1 }\n[a: f()]");
        node("ArgumentListExpression", Verdict.VERIFIED, "[a: 'x'.padLeft(3)]");
        node("ArrayExpression", Verdict.VERIFIED, "def a = new int[3]\n[a: a.length]");
        node("AttributeExpression", Verdict.REFUSED, "[a: event.@payload]");
        node("BinaryExpression", Verdict.VERIFIED, "[a: 1 + 2]");
        node("BitwiseNegationExpression", Verdict.VERIFIED, "[a: ~5]");
        node("BooleanExpression", Verdict.VERIFIED, "if (event.payload) { [a: 1] }");
        node("CastExpression", Verdict.VERIFIED, "[a: (int) 2.5, b: '7' as Integer]");
        node("ClassExpression", Verdict.REFUSED, "def c = String\n[a: 1]");
        node("ClosureExpression", Verdict.VERIFIED, "def c = { x -> x * 2 }\n[a: c(2)]");
        node(
                "ClosureListExpression",
                Verdict.VERIFIED,
                "def s = 0\nfor (int i = 0; i < 3; i++) { s += i }\n[a: s]");
        node("ConstantExpression", Verdict.VERIFIED, "[a: 'x']");
        node("ConstructorCallExpression", Verdict.VERIFIED, "[a: new Date(0).time]");
        node("DeclarationExpression", Verdict.VERIFIED, "def x = 1\n[a: x]");
        node("ElvisOperatorExpression", Verdict.VERIFIED, "[a: event.payload.nope ?: 'd']");
        node(
                "EmptyExpression",
                Verdict.VERIFIED,
                "def i = 0\nfor (;;) { if (++i > 2) break }\n[a: i]");
        node("FieldExpression", Verdict.REFUSED, "@groovy.transform.Field def x = 1\n[a: x]");
        node("GStringExpression", Verdict.VERIFIED, "[a: \"v${1 + 1}\".toString()]");
        node("LambdaExpression", Verdict.VERIFIED, "def f = (x) -> x + 1\n[a: f(1)]");
        node("ListExpression", Verdict.VERIFIED, "[a: [1, 2]]");
        node("MapEntryExpression", Verdict.VERIFIED, "[a: 1]");
        node("MapExpression", Verdict.VERIFIED, "[a: [b: 1]]");
        node("MethodCallExpression", Verdict.VERIFIED, "[a: 'x'.toUpperCase()]");
        node("MethodPointerExpression", Verdict.REFUSED, "def m = 'x'.&toUpperCase\n[a: m()]");
        node("MethodReferenceExpression", Verdict.REFUSED, "def f = String::valueOf\n[a: f(1)]");
        node("NamedArgumentListExpression", Verdict.VERIFIED, "def f(Map m) { m.a }\n[a: f(a: 1)]");
        node("NotExpression", Verdict.VERIFIED, "[a: !true]");
        node("PostfixExpression", Verdict.VERIFIED, "def i = 0\ni++\n[a: i]");
        node("PrefixExpression", Verdict.VERIFIED, "def i = 0\n++i\n[a: i]");
        node("PropertyExpression", Verdict.VERIFIED, "[a: event.payload.userId]");
        node("RangeExpression", Verdict.VERIFIED, "[a: (1..3).sum()]");
        node("SpreadExpression", Verdict.VERIFIED, "def f(a, b) { a + b }\n[a: f(*[1, 2])]");
        node("SpreadMapExpression", Verdict.VERIFIED, "[a: 1, *: [b: 2]]");
        node(
                "StaticMethodCallExpression",
                Verdict.VERIFIED,
                "static def h() { 1 }\nstatic def g() { h() }\n[a: g()]");
        node("TernaryExpression", Verdict.VERIFIED, "[a: event.payload ? 1 : 2]");
        node("TupleExpression", Verdict.VERIFIED, "def (x, y) = [1, 2]\n[a: x + y]");
        node("UnaryMinusExpression", Verdict.VERIFIED, "[a: -event.payload.score]");
        node("UnaryPlusExpression", Verdict.VERIFIED, "[a: +event.payload.score]");
        node("VariableExpression", Verdict.VERIFIED, "def x = 1\n[a: x]");
        // statements
        node("AssertStatement", Verdict.VERIFIED, "assert 1 == 1 : 'one'\n[a: 1]");
        node("BlockStatement", Verdict.VERIFIED, "if (true) { def x = 1\n[a: x] }");
        node(
                "BreakStatement",
                Verdict.VERIFIED,
                "def n = 0\nfor (x in [1, 2]) { n++\nbreak }\n[a: n]");
        node(
                "CaseStatement",
                Verdict.VERIFIED,
                "switch (event.payload.subject) { case 'math': return [a: 1]; default: return [a: 2] }");
        node(
                "CatchStatement",
                Verdict.VERIFIED,
                "try { throw new RuntimeException('x') } catch (RuntimeException e) { return [a: e.message] }");
        node(
                "ContinueStatement",
                Verdict.VERIFIED,
                "def n = 0\nfor (x in [1, 2]) { if (x == 1) continue\nn += x }\n[a: n]");
        node("DoWhileStatement", Verdict.VERIFIED, "def i = 0\ndo { i++ } while (i < 3)\n[a: i]");
        node("EmptyStatement", Verdict.VERIFIED, "if (true) ;\n[a: 1]");
        node("ExpressionStatement", Verdict.VERIFIED, "def l = []\nl.add(1)\n[a: l]");
        node("ForStatement", Verdict.VERIFIED, "def s = 0\nfor (x in [1, 2]) { s += x }\n[a: s]");
        node(
                "IfStatement",
                Verdict.VERIFIED,
                "if (event.payload.score < 60) { [a: 1] } else { [a: 2] }");
        node("ReturnStatement", Verdict.VERIFIED, "return [a: 1]");
        node("SwitchStatement", Verdict.VERIFIED, "switch (1) { case 1: return [a: 1] }");
        node("SynchronizedStatement", Verdict.REFUSED, "synchronized (event) { [a: 1] }");
        node(
                "ThrowStatement",
                Verdict.VERIFIED,
                "try { throw new IllegalArgumentException('x') } catch (IllegalArgumentException e) { [a: 1] }");
        node(
                "TryCatchStatement",
                Verdict.VERIFIED,
                "def r = 0\ntry { r = 1 } finally { r = 2 }\n[a: r]");
        node("WhileStatement", Verdict.VERIFIED, "def i = 0\nwhile (i < 2) { i++ }\n[a: i]");
    }

    /** Places Groovy keeps code outside the statement tree, and the other declarations. */
    static Stream<Arguments> declarations() {
        return Stream.of(
                Arguments.of(
                        "method parameter default (verified)",
                        Verdict.VERIFIED,
                        "def f(p = [1, 2].sum()) { p }\n[a: f()]"),
                Arguments.of(
                        "method parameter default (hostile)",
                        Verdict.REFUSED,
                        "def f(p = 'id'.execute()) { p }\n[a: 1]"),
                Arguments.of(
                        "method parameter default (exit)",
                        Verdict.REFUSED,
                        "def f(p = System.exit(3)) { p }\n[a: 1]"),
                Arguments.of(
                        "method parameter default (reads the rule)",
                        Verdict.REFUSED,
                        "def f(p = this) { p }\n[a: 1]"),
                Arguments.of(
                        "method parameter default (subscript by name)",
                        Verdict.VERIFIED,
                        "def f(p = [event]['payload'][0].score) { p }\n[a: f()]"),
                Arguments.of(
                        "closure parameter default (verified)",
                        Verdict.VERIFIED,
                        "def c = { p = 'x'.toUpperCase() -> p }\n[a: c()]"),
                Arguments.of(
                        "closure parameter default (hostile)",
                        Verdict.REFUSED,
                        "def c = { p = 'id'.execute() -> p }\n[a: 1]"),
                Arguments.of(
                        "lambda parameter",
                        Verdict.VERIFIED,
                        "def f = (int x) -> x * 2\n[a: f(2)]"),
                Arguments.of(
                        "method with annotated parameter",
                        Verdict.REFUSED,
                        "def f(@Deprecated p) { p }\n[a: 1]"),
                Arguments.of(
                        "annotation on a method",
                        Verdict.REFUSED,
                        "@Deprecated def f() { 1 }\n[a: 1]"),
                Arguments.of(
                        "annotation on a local", Verdict.REFUSED, "@Deprecated def x = 1\n[a: 1]"),
                Arguments.of(
                        "AST transform annotation",
                        Verdict.REFUSED,
                        "@groovy.transform.Memoized def f() { 1 }\n[a: f()]"),
                Arguments.of(
                        "script field",
                        Verdict.REFUSED,
                        "@groovy.transform.Field int x = 'id'.execute().waitFor()\n[a: 1]"),
                Arguments.of("import", Verdict.REFUSED, "import java.io.File\n[a: 1]"),
                Arguments.of(
                        "static import",
                        Verdict.REFUSED,
                        "import static java.lang.System.exit\n[a: 1]"),
                Arguments.of("package", Verdict.REFUSED, "package x\n[a: 1]"),
                Arguments.of(
                        "class", Verdict.REFUSED, "class A { def x = 'id'.execute() }\n[a: 1]"),
                Arguments.of(
                        "class with a static initializer",
                        Verdict.REFUSED,
                        "class A { static { System.exit(1) } }\n[a: 1]"),
                Arguments.of("interface", Verdict.REFUSED, "interface I {}\n[a: 1]"),
                Arguments.of("trait", Verdict.REFUSED, "trait T {}\n[a: 1]"),
                Arguments.of("enum", Verdict.REFUSED, "enum E { A }\n[a: 1]"),
                Arguments.of("record", Verdict.REFUSED, "record R(int x) {}\n[a: 1]"),
                Arguments.of("annotation type", Verdict.REFUSED, "@interface N {}\n[a: 1]"),
                Arguments.of(
                        "anonymous class",
                        Verdict.REFUSED,
                        "def r = new Object() { String toString() { 'x' } }\n[a: 1]"),
                Arguments.of(
                        "method named like the script's own",
                        Verdict.REFUSED,
                        "def getProperty(String n) { 1 }\n[a: 1]"),
                Arguments.of(
                        "static method",
                        Verdict.VERIFIED,
                        "static int twice(int x) { x * 2 }\n[a: twice(2)]"),
                Arguments.of(
                        "varargs method",
                        Verdict.VERIFIED,
                        "def s(int... xs) { xs.sum() }\n[a: s(1, 2)]"),
                Arguments.of(
                        "switch expression",
                        Verdict.VERIFIED,
                        "def v = switch (event.payload.subject) { case 'math' -> 1; default -> 2 }\n[a: v]"),
                Arguments.of(
                        "multiple assignment",
                        Verdict.VERIFIED,
                        "def a, b\n(a, b) = [1, 2]\n[a: a + b]"),
                Arguments.of(
                        "safe navigation", Verdict.VERIFIED, "[a: event.payload?.nope?.length()]"),
                Arguments.of("spread-safe property", Verdict.VERIFIED, "[a: [[x: 1], [x: 2]]*.x]"),
                Arguments.of(
                        "regex find and match",
                        Verdict.VERIFIED,
                        "[a: ('abc' =~ /b/).find(), b: 'abc' ==~ /a.c/]"),
                Arguments.of(
                        "in and instanceof",
                        Verdict.VERIFIED,
                        "[a: 1 in [1, 2], b: 'x' instanceof String]"),
                Arguments.of(
                        "try with resources",
                        Verdict.REFUSED,
                        "try (def r = new StringReader('x')) { [a: 1] }"),
                Arguments.of("command chain", Verdict.VERIFIED, "def m = [:]\nm.put 'a', 1\nm"),
                Arguments.of(
                        "labels",
                        Verdict.VERIFIED,
                        "outer:\nfor (x in [1]) { break outer }\n[a: 1]"));
    }

    static RuleHarness h;

    @BeforeAll
    static void start() {
        // Time bounds are not what this test is about; the machine may be busy.
        h =
                new RuleHarness(
                        io.rulecast.runtime.RuntimeOptions.defaults()
                                .withTimeout(java.time.Duration.ofSeconds(5))
                                .withColdStartTimeout(java.time.Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void everyNodeClassHasAVerdict() throws Exception {
        Path jar =
                Path.of(
                        Expression.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        TreeSet<String> found = new TreeSet<>();
        try (FileSystem fs =
                FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            for (String pkg :
                    new String[] {"org/codehaus/groovy/ast/expr", "org/codehaus/groovy/ast/stmt"}) {
                try (Stream<Path> files = Files.list(fs.getPath(pkg))) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String name = f.getFileName().toString();
                        if (!name.endsWith(".class") || name.contains("$")) {
                            continue;
                        }
                        Class<?> c =
                                Class.forName(
                                        pkg.replace('/', '.') + "." + name.replace(".class", ""));
                        boolean node =
                                Expression.class.isAssignableFrom(c)
                                        || Statement.class.isAssignableFrom(c);
                        if (node
                                && !c.isInterface()
                                && !Modifier.isAbstract(c.getModifiers())
                                && c != Expression.class
                                && c != Statement.class) {
                            found.add(c.getSimpleName());
                        }
                    }
                }
            }
        }
        assertEquals(
                new TreeSet<>(NODES.keySet()),
                found,
                "the Groovy jar's AST node classes differ from the verdict table: decide the verdict of each new one");
    }

    static Stream<Arguments> nodes() {
        return NODES.entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue()[0], e.getValue()[1]));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("nodes")
    void nodeVerdict(String construct, Verdict verdict, String sample) throws Exception {
        check(construct, verdict, sample);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("declarations")
    void declarationVerdict(String construct, Verdict verdict, String sample) throws Exception {
        check(construct, verdict, sample);
    }

    private static void check(String construct, Verdict verdict, String sample) throws Exception {
        if (verdict == Verdict.REFUSED) {
            assertThrows(
                    CompileException.class,
                    () -> h.compile(Language.GROOVY, sample, "{\"output_table\":\"t\"}"),
                    construct + " must not compile");
            return;
        }
        Outcome o = h.run(Language.GROOVY, sample);
        assertNull(o.failure(), construct + " must run");
        assertEquals(1, o.emissions().size(), construct + " must return its row");
    }
}
