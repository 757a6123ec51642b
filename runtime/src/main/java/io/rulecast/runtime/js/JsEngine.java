package io.rulecast.runtime.js;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.spi.CompiledScript;
import io.rulecast.runtime.spi.ScriptEngine;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JavaScript rules on GraalJS, in a sandbox that reaches nothing outside the script.
 *
 * <p>A rule body becomes {@code function (event, ctx) { BODY }}, strict, compiled once per version.
 * Its contexts deny host access, class lookup, I/O, threads, processes, native code, environment
 * and polyglot access; {@code Java}, {@code Packages}, {@code Polyglot}, {@code Graal}, {@code
 * load}, {@code print} and code built from strings ({@code eval}, {@code new Function}) are absent,
 * and {@code console} writes to {@code ctx.log}. The time and allocation bounds are enforced by the
 * runtime's {@link io.rulecast.runtime.Guard} watchdog, which cancels a running context by closing
 * it (an interrupt lets guest {@code finally} blocks run on, and a single builtin such as {@code
 * repeat} only stops for a cancel); single huge strings and buffers are refused outright.
 *
 * <p>All contexts share one {@link Engine}, so a body is parsed once however many threads run it.
 * Each compiled version keeps a small pool of contexts (one per thread running it at a time), so
 * one rule's globals and prototypes never reach another. A new engine first runs a rule of its own
 * for up to 2 s (system property {@value #WARMUP_PROPERTY}): interpreted GraalJS is slow on its
 * first events, and without the warm-up the first event of the first rule would exceed the default
 * time budget.
 */
public final class JsEngine implements ScriptEngine {
    /** The wrapper's first line; the user's line 1 is the source's line 2. */
    static final String PREFIX = "(function (event, ctx) {'use strict';\n";

    static final int PREFIX_LINES = 1;
    private static final String SUFFIX = "\n})";

    private static final Logger LOG = LoggerFactory.getLogger(JsEngine.class);

    /**
     * System property: how long, at most, a new engine spends warming up in ms (default 2000, 0
     * turns it off, e.g. for a one-shot {@code validate}).
     */
    public static final String WARMUP_PROPERTY = "rulecast.js.warmup.millis";

    /**
     * Closing a context blocks until its thread has left it; that must not hold up the watchdog,
     * which looks after every other invocation. Threads here exist only while cancels happen.
     */
    private static final ExecutorService CANCELLER =
            new ThreadPoolExecutor(
                    0,
                    Integer.MAX_VALUE,
                    30,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "rulecast-js-cancel");
                        t.setDaemon(true);
                        return t;
                    });

    private final Engine engine;
    private final int outputLimit;
    private Context checker;
    private Value checkBody;

    /** Parses (never runs) wrapped rule sources, with the options of the contexts rules run in. */
    private Context parser;

    public JsEngine(RuntimeOptions options) {
        this.outputLimit = options.outputLimit();
        long limit = Math.max(1 << 20, Math.min(options.memoryLimitBytes(), 1L << 30));
        // Builtins that scan a whole string (parseFloat, Number, split, a regex) do not stop for a
        // cancel: parseFloat of 30 million digits took 290-380 ms against a 200 ms budget. At 8
        // Mi characters such a scan takes under 100 ms.
        long stringLimit = Math.min(limit, STRING_LENGTH_LIMIT);
        Engine.Builder eb =
                Engine.newBuilder("js")
                        // Experimental only to set the hardening options below.
                        .allowExperimentalOptions(true)
                        .out(OutputStream.nullOutputStream())
                        .err(OutputStream.nullOutputStream());
        // -Dpolyglot.log.file sends Truffle's own tracing (-Dpolyglot.engine.TraceCompilation=true
        // and the like) to that file, for diagnosing compiled JavaScript; by default it goes to
        // SLF4J, which benchmarks silence.
        if (System.getProperty("polyglot.log.file") == null) {
            eb.logHandler(new Slf4jHandler());
        }
        this.engine =
                eb.option("engine.WarnInterpreterOnly", "false")
                        .option("js.strict", "true")
                        .option("js.allow-eval", "false")
                        .option("js.load", "false")
                        .option("js.print", "false")
                        .option("js.console", "false")
                        .option("js.graal-builtin", "false")
                        .option("js.polyglot-builtin", "false")
                        .option("js.java-package-globals", "false")
                        .option("js.global-arguments", "false")
                        // Atomics.wait on a shared buffer would block the task thread.
                        .option("js.shared-array-buffer", "false")
                        .option("js.atomics", "false")
                        // BigInt arithmetic, parsing and printing run in java.math.BigInteger,
                        // which no cancel reaches: 3n ** 10000000n took 6 s, BigInt() of a
                        // 3-million-digit string 180 s of a 200 ms budget. Rules get no BigInt
                        // (numbers handed in are doubles or longs anyway).
                        .option("js.bigint", "false")
                        // RegExp.$1 would carry one event's match into the next.
                        .option("js.regexp-static-result", "false")
                        // One builtin call may allocate a whole string or buffer at once, before
                        // the watchdog can look: refuse sizes no budget would allow.
                        .option("js.string-length-limit", Long.toString(stringLimit))
                        .option("js.max-typed-array-length", Long.toString(limit))
                        .build();
        long budget = Long.getLong(WARMUP_PROPERTY, 2000);
        if (budget > 0) {
            long start = System.nanoTime();
            try (Context warm = newContext(false)) {
                int rounds = JsWarmUp.run(warm, budget);
                LOG.info(
                        "JavaScript engine warmed up: {} rounds in {} ms ({})",
                        rounds,
                        (System.nanoTime() - start) / 1_000_000,
                        describe(engine));
            } catch (RuntimeException e) {
                // Only the first events get slower; rules still compile and run.
                LOG.warn("JavaScript engine warm-up failed: {}", e.toString());
            }
        }
    }

    /**
     * "compiled by Graal" when Truffle found a JIT compiler (a JVMCI JDK with Graal's compiler, see
     * docs/performance.md), else "interpreted".
     */
    private static String describe(Engine engine) {
        String name = engine.getImplementationName();
        return "Interpreted".equals(name) ? "interpreted" : "compiled by Graal (" + name + ")";
    }

    /** How GraalJS runs in this JVM: "interpreted" or "compiled by Graal (…)". */
    public static String runtimeName() {
        try (Engine e =
                Engine.newBuilder("js")
                        .option("engine.WarnInterpreterOnly", "false")
                        .out(OutputStream.nullOutputStream())
                        .err(OutputStream.nullOutputStream())
                        .build()) {
            return describe(e);
        }
    }

    @Override
    public Language language() {
        return Language.JS;
    }

    @Override
    public CompiledScript compile(String script, String sourceName) throws CompileException {
        Source source =
                Source.newBuilder("js", PREFIX + script + SUFFIX, sourceName)
                        .cached(true)
                        .buildLiteral();
        check(script, source);
        return new JsScript(this, source);
    }

    /**
     * {@link #checkBody}, then the wrapped source parsed, without running it, in a context of the
     * same options as the ones rules run in: the engine caches that parse (the source is cached),
     * and the rule's contexts, built at its first run, reuse it. No context of the rule's own is
     * built until an event needs it: a thousand rules do not cost a thousand contexts, and their
     * time at start-up, before their events come.
     */
    private synchronized void check(String script, Source wrapped) throws CompileException {
        checkBody(script);
        try {
            if (parser == null) {
                parser = newContext(false);
            }
            parser.parse(wrapped);
        } catch (PolyglotException e) {
            if (e.isSyntaxError()) {
                throw JsFailures.wrappedSyntax(e);
            }
            parser.close(true);
            parser = null;
            throw new CompileException(0, 0, "cannot load the script: " + e.getMessage());
        }
    }

    /**
     * Parses the body on its own, as the Function constructor does, in a context kept for that:
     * this finds syntax errors with positions relative to the body, and refuses a body that closes
     * the wrapper's function early to run code of its own when the wrapper is evaluated. Nothing of
     * the body runs.
     */
    private synchronized void checkBody(String script) throws CompileException {
        if (checker == null) {
            checker = newContext(true);
            checkBody =
                    checker.eval("js", "(function (body) { new Function('event', 'ctx', body); })");
        }
        try {
            checkBody.execute(script);
        } catch (PolyglotException e) {
            if (e.isGuestException()
                    && e.getMessage() != null
                    && e.getMessage().startsWith("SyntaxError")) {
                throw JsFailures.bodySyntax(e, script);
            }
            checker.close(true);
            checker = null;
            throw new CompileException(0, 0, "cannot parse the script: " + e.getMessage());
        }
    }

    int outputLimit() {
        return outputLimit;
    }

    /** A context that can reach nothing but JavaScript's own built-ins. */
    Context newContext(boolean allowEval) {
        Context.Builder b =
                Context.newBuilder("js")
                        .engine(engine)
                        .allowHostAccess(HostAccess.NONE)
                        // No allowHostClassLookup at all: even a deny-all predicate adds a `Java`
                        // global (whose lookups then fail); the default has none.
                        .allowHostClassLoading(false)
                        .allowIO(IOAccess.NONE)
                        .allowCreateThread(false)
                        .allowCreateProcess(false)
                        .allowNativeAccess(false)
                        .allowEnvironmentAccess(EnvironmentAccess.NONE)
                        .allowPolyglotAccess(PolyglotAccess.NONE)
                        .allowInnerContextOptions(false)
                        .allowValueSharing(false);
        if (allowEval) {
            b.option("js.allow-eval", "true");
        }
        Context c = b.build();
        try {
            c.eval(PRELUDE);
        } catch (RuntimeException e) {
            c.close(true);
            throw e;
        }
        return c;
    }

    /**
     * Longest string {@code split} takes: splitting does not stop for a cancel either (8 million
     * characters into single ones took 5 s).
     */
    static final int SPLIT_LIMIT = 1 << 18;

    /** Longest string a rule can make, in characters. */
    static final long STRING_LENGTH_LIMIT = 1L << 23;

    /** Longest text {@code JSON.parse} takes: 1 MB parses in about 40 ms here. */
    static final int JSON_PARSE_LIMIT = 1 << 20;

    /**
     * Run in every new context. With {@code js.bigint} off there is no {@code BigInt} global, no
     * BigInt typed array and no BigInt literal; DataView's 64-bit accessors would still make
     * BigInts, whose arithmetic no cancel reaches. {@code JSON.parse} does not stop for a cancel
     * either (10 MB took 330-570 ms against a 200 ms budget), so its text is bounded.
     */
    private static final Source PRELUDE =
            Source.newBuilder(
                            "js",
                            "for (const m of ['getBigInt64', 'getBigUint64', 'setBigInt64',"
                                    + " 'setBigUint64']) { delete DataView.prototype[m]; }\n"
                                    + "{ const parse = JSON.parse;\n"
                                    + "  Object.defineProperty(JSON, 'parse', {writable: true,"
                                    + " configurable: true, enumerable: false,"
                                    + " value: {parse(text, reviver) {\n"
                                    + "    const s = String(text);\n"
                                    + "    if (s.length > "
                                    + JSON_PARSE_LIMIT
                                    + ") { throw new RangeError('JSON.parse: text longer than "
                                    + JSON_PARSE_LIMIT
                                    + " characters'); }\n"
                                    + "    return parse(s, reviver); }}.parse}); }\n"
                                    + "{ const split = String.prototype.split;\n"
                                    + "  Object.defineProperty(String.prototype, 'split', {writable:"
                                    + " true, configurable: true, enumerable: false,"
                                    + " value: {split(separator, limit) {\n"
                                    + "    if (typeof this === 'string' && this.length > "
                                    + SPLIT_LIMIT
                                    + ") { throw new RangeError('split: string longer than "
                                    + SPLIT_LIMIT
                                    + " characters'); }\n"
                                    + "    return Reflect.apply(split, this, arguments); }}.split});"
                                    + " }",
                            "rulecast-prelude")
                    .cached(true)
                    .buildLiteral();

    /** Cancels invocation {@code token} of {@code runner} off the watchdog thread. */
    void cancelLater(JsRunner runner, long token) {
        CANCELLER.execute(
                () -> {
                    if (runner.cancel(token)) {
                        try {
                            runner.script().addSpare(runner.generation);
                        } catch (RuntimeException e) {
                            LOG.debug("no spare context after a cancel: {}", e.toString());
                        }
                    }
                });
    }

    @Override
    public synchronized void close() {
        if (checker != null) {
            checker.close(true);
            checker = null;
        }
        if (parser != null) {
            parser.close(true);
            parser = null;
        }
        try {
            engine.close(true);
        } catch (IllegalStateException e) {
            LOG.debug("JavaScript engine already closed: {}", e.toString());
        }
    }

    /** Engine messages go to the application's log, never to stdout. */
    private static final class Slf4jHandler extends Handler {
        private static final Logger GRAAL = LoggerFactory.getLogger("io.rulecast.runtime.js.graal");

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                GRAAL.warn("{}: {}", r.getLoggerName(), r.getMessage());
            } else {
                GRAAL.debug("{}: {}", r.getLoggerName(), r.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
