package io.rulecast.runtime.spi;

import io.rulecast.runtime.RuleContext;
import java.util.Map;

/**
 * A compiled rule body. {@link #run} is called with the invocation's {@link
 * io.rulecast.runtime.Guard} already armed on the calling thread; an implementation must stop
 * promptly once {@link io.rulecast.runtime.Guard#cancelled()} is set, and may register a cancel
 * hook (e.g. to interrupt a polyglot context) with {@link
 * io.rulecast.runtime.Guard#onCancel(Runnable)}.
 */
public interface CompiledScript extends AutoCloseable {

    /**
     * Runs the body once.
     *
     * @param event the read-only event view ({@code event} in the script)
     * @param ctx the context ({@code ctx} in the script)
     * @return the script's return value converted to plain Java data: null, a {@code Map}, a {@code
     *     List}, or any other plain value (the runtime rejects what is not a map or list of maps as
     *     {@code BAD_RETURN})
     * @throws io.rulecast.runtime.ScriptFailure for a typed failure
     * @throws Exception anything else the script threw ({@code SCRIPT_ERROR})
     */
    Object run(Map<String, Object> event, RuleContext ctx) throws Exception;

    /**
     * Frees what the script holds (contexts, class loaders). Calling run afterwards may re-create
     * them.
     */
    @Override
    default void close() {}
}
