package io.rulecast.runtime.groovy;

import groovy.lang.Script;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.RuleContext;
import io.rulecast.runtime.ScriptFailure;
import java.util.Map;

/**
 * The base class of every compiled Groovy rule. The sandbox rewrites the names {@code event} and
 * {@code ctx} into calls of the accessors below, and refuses every other unknown name at compile
 * time, so the binding and the script's own meta-level are never reachable.
 */
public abstract class RuleScript extends Script {
    private Map<String, Object> event;
    private RuleContext ctx;

    final void bind(Map<String, Object> event, RuleContext ctx) {
        this.event = event;
        this.ctx = ctx;
    }

    /** {@code event} in the script. */
    public final Map<String, Object> __rulecastEvent() {
        return event;
    }

    /** {@code ctx} in the script. */
    public final RuleContext __rulecastCtx() {
        return ctx;
    }

    @Override
    public final Object getProperty(String property) {
        throw new ScriptFailure(
                FailureReason.SANDBOX_VIOLATION, "unknown variable '" + property + "'");
    }

    @Override
    public final void setProperty(String property, Object newValue) {
        throw new ScriptFailure(
                FailureReason.SANDBOX_VIOLATION, "cannot set variable '" + property + "'");
    }
}
