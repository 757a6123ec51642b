package io.rulecast.bench;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.groovy.GroovyEngine;
import io.rulecast.runtime.spi.CompiledScript;
import io.rulecast.runtime.spi.ScriptEngine;

/**
 * The seed's design inside Rulecast, for the end-to-end benchmark: a routing row whose script is
 * {@value #WRONGBOOK_ADD} runs {@link WrongbookAddProcessor} — compiled Java — under the same job,
 * bounds, state and sink as a script would; any other row is Groovy as usual. It stands in for the
 * Groovy engine only in the benchmark's job ({@code RulecastJob#withRuntimeFactory}); users cannot
 * select it.
 */
public final class JavaRuleEngine implements ScriptEngine {
    /** The script text that selects the Java processor class. */
    public static final String WRONGBOOK_ADD =
            "// builtin: io.rulecast.bench.WrongbookAddProcessor";

    private final GroovyEngine groovy;

    public JavaRuleEngine(RuntimeOptions options) {
        this.groovy = new GroovyEngine(options);
    }

    @Override
    public Language language() {
        return Language.GROOVY;
    }

    @Override
    public CompiledScript compile(String script, String sourceName) throws CompileException {
        if (script.strip().equals(WRONGBOOK_ADD)) {
            return WrongbookAddProcessor::apply;
        }
        return groovy.compile(script, sourceName);
    }

    @Override
    public void close() {
        groovy.close();
    }
}
