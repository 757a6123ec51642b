package io.rulecast.runtime.js;

import io.rulecast.runtime.Guard;
import io.rulecast.runtime.RuleContext;
import io.rulecast.runtime.spi.CompiledScript;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.graalvm.polyglot.Source;

/**
 * One compiled version of a JavaScript rule: its source (parsed once per engine, shared by all its
 * contexts) and a pool of runners, one per thread running it at the same time. Each version has
 * contexts of its own, so what one rule does to its globals or prototypes never reaches another.
 */
final class JsScript implements CompiledScript {
    private final JsEngine engine;
    private final Source source;
    private final Deque<JsRunner> idle = new ConcurrentLinkedDeque<>();
    private final AtomicLong generation = new AtomicLong();

    /**
     * The engine has parsed the source already ({@link JsEngine#compile}); the first runner, with
     * its context, is built by the first invocation, within its cold-start budget.
     */
    JsScript(JsEngine engine, Source source) {
        this.engine = engine;
        this.source = source;
    }

    JsEngine engine() {
        return engine;
    }

    String sourceName() {
        return source.getName();
    }

    @Override
    public Object run(Map<String, Object> event, RuleContext ctx) {
        Guard guard = Guard.current();
        JsRunner runner = take();
        try {
            return runner.invoke(event, ctx, guard);
        } finally {
            release(runner);
        }
    }

    private JsRunner take() {
        long g = generation.get();
        for (JsRunner r; (r = idle.pollFirst()) != null; ) {
            if (r.generation == g) {
                return r;
            }
            r.close();
        }
        return new JsRunner(this, source, g);
    }

    private void release(JsRunner r) {
        if (r.doomed()) {
            return; // the canceller closes it and leaves a spare
        }
        idle.offerFirst(r);
        if (r.generation != generation.get() && idle.remove(r)) {
            r.close();
        }
    }

    /**
     * Called on the canceller thread after a runner was cancelled: builds its replacement there, so
     * the next invocation does not pay for a new context within its time budget.
     */
    void addSpare(long forGeneration) {
        if (forGeneration != generation.get() || !idle.isEmpty()) {
            return;
        }
        JsRunner spare = new JsRunner(this, source, forGeneration);
        idle.offerFirst(spare);
        if (forGeneration != generation.get() && idle.remove(spare)) {
            spare.close();
        }
    }

    /** Closes the idle contexts; busy ones close when they return. A later run starts afresh. */
    @Override
    public void close() {
        generation.incrementAndGet();
        for (JsRunner r; (r = idle.pollFirst()) != null; ) {
            r.close();
        }
    }
}
