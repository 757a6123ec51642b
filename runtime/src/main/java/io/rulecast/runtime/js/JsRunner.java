package io.rulecast.runtime.js;

import io.rulecast.runtime.Guard;
import io.rulecast.runtime.RuleContext;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * One polyglot context holding one compiled rule body, used by one thread at a time. Reused across
 * invocations (creating a context per event would cost more than the script); discarded once a
 * bound cancels it, because cancelling closes the context.
 */
final class JsRunner {
    private final JsScript script;
    final long generation;
    private final Context context;
    private final Value function;
    private final JsCtx ctx;

    /** {@code ctx} as the script sees it: a frozen object in this context. */
    private final Value guestCtx;

    /** The invocation's context and first ctx failure; touched only by the invoking thread. */
    private RuleContext rule;

    private RuntimeException failure;

    /** Which invocation may be cancelled (0: none); guarded by this. */
    private long active;

    private long invocations;
    private boolean doomed;

    /** Builds the context and evaluates the wrapper, which only defines the function. */
    JsRunner(JsScript script, Source source, long generation) {
        this.script = script;
        this.generation = generation;
        this.context = script.engine().newContext(false);
        try {
            this.function = context.parse(source).execute();
            this.ctx = new JsCtx(this);
            Value made = ctx.toGuest(context);
            this.guestCtx = made.getArrayElement(0);
            context.getBindings("js").putMember("console", made.getArrayElement(1));
        } catch (RuntimeException e) {
            context.close(true);
            throw e;
        }
    }

    JsScript script() {
        return script;
    }

    /**
     * Runs the body once on the calling thread, with its guard armed. Returns plain data; throws
     * {@link io.rulecast.runtime.ScriptFailure} or what a ctx backend threw.
     */
    Object invoke(Map<String, Object> event, RuleContext rule, Guard guard) {
        long token;
        synchronized (this) {
            token = ++invocations;
            active = token;
        }
        this.rule = rule;
        this.failure = null;
        boolean entered = false;
        try {
            guard.onCancel(() -> script.engine().cancelLater(this, token));
            guard.check();
            context.enter();
            entered = true;
            // Entered once for the whole invocation: every Value call below would enter and leave
            // the context again otherwise, which is a good part of a crossing's cost.
            Value out = function.execute(new JsValues.ReadOnlyMap(event, "event"), guestCtx);
            if (failure != null) {
                throw failure;
            }
            // Still inside the guarded window: getters and proxies run script code.
            return JsValues.rowsToJava(out, script.engine().outputLimit());
        } catch (PolyglotException e) {
            throw JsFailures.atRunTime(e, failure, guard, script.sourceName());
        } catch (IllegalStateException e) {
            // The watchdog closed the context between two calls into it.
            if (guard.cancelled()) {
                throw JsFailures.bound(guard);
            }
            throw e;
        } finally {
            if (entered) {
                try {
                    context.leave();
                } catch (RuntimeException ignored) {
                    // closed by a cancel meanwhile: there is nothing left to leave
                }
            }
            this.rule = null;
            synchronized (this) {
                active = 0;
            }
        }
    }

    RuleContext rule() {
        RuleContext r = rule;
        if (r == null) {
            throw new IllegalStateException("ctx used outside an invocation");
        }
        return r;
    }

    /** Records the first failure of a ctx call so that a script catching it still fails. */
    RuntimeException fail(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /**
     * Cancels invocation {@code token} if it is still the one running; returns whether it did. A
     * late watchdog call for an invocation that already ended does nothing, so it can never stop a
     * later one.
     */
    boolean cancel(long token) {
        synchronized (this) {
            if (active != token) {
                return false;
            }
            doomed = true;
        }
        try {
            context.close(true);
        } catch (RuntimeException ignored) {
            // already closed, or closing: either way the invocation ends
        }
        return true;
    }

    synchronized boolean doomed() {
        return doomed;
    }

    /** Closes an idle runner. */
    void close() {
        try {
            context.close(true);
        } catch (RuntimeException ignored) {
            // closed by a cancel already
        }
    }
}
