package io.rulecast.runtime.js;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.spi.CompiledScript;
import io.rulecast.runtime.spi.ScriptEngine;

/** JavaScript rules on GraalJS. (Being written: see issue 3.) */
public final class JsEngine implements ScriptEngine {
    public JsEngine(RuntimeOptions options) {}

    @Override
    public Language language() {
        return Language.JS;
    }

    @Override
    public CompiledScript compile(String script, String sourceName) throws CompileException {
        throw new CompileException(0, 0, "JavaScript rules are not available yet");
    }
}
