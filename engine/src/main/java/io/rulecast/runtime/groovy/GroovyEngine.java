package io.rulecast.runtime.groovy;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.spi.CompiledScript;
import io.rulecast.runtime.spi.ScriptEngine;

/** Groovy rules. (Being written: see issue 3.) */
public final class GroovyEngine implements ScriptEngine {
    public GroovyEngine(RuntimeOptions options) {}

    @Override
    public Language language() {
        return Language.GROOVY;
    }

    @Override
    public CompiledScript compile(String script, String sourceName) throws CompileException {
        throw new CompileException(0, 0, "Groovy rules are not available yet");
    }
}
