package io.rulecast.runtime.spi;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Language;

/**
 * One language's compiler and sandbox. Implementations must be thread-safe; the runtime caches what
 * they compile by version hash.
 */
public interface ScriptEngine extends AutoCloseable {

    Language language();

    /**
     * Compiles a rule body. Nothing of the script may run while compiling.
     *
     * @param script the body as stored
     * @param sourceName a name for error messages, such as the rule id or file name
     */
    CompiledScript compile(String script, String sourceName) throws CompileException;

    @Override
    default void close() {}
}
