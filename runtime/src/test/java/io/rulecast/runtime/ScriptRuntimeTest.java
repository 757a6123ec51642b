package io.rulecast.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What the runtime does around the engines: every way a script fails to compile is one exception.
 */
class ScriptRuntimeTest {

    /**
     * A chain of 5000 method calls: Groovy's parser reads it in a loop, but the tree it builds is
     * 5000 levels deep, and the compiler's recursive passes over it run out of stack.
     */
    private static final String DEEP_GROOVY = "def x = 1\nreturn x" + ".plus(1)".repeat(5000);

    private static RuleDefinition rule(Language language, String script) {
        return new RuleDefinition(new RuleId("shop", "order", "main"), language, script, null);
    }

    @Test
    void aScriptTooDeepForTheCompilersStackIsACompileFailure() throws Exception {
        try (ScriptRuntime runtime = new ScriptRuntime()) {
            CompileException e =
                    assertThrows(
                            CompileException.class,
                            () -> runtime.compile(rule(Language.GROOVY, DEEP_GROOVY)));
            assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
            assertEquals(1, runtime.compileFailureCount());
            // The runtime goes on compiling.
            assertEquals(
                    "shop/order/main",
                    runtime.compile(rule(Language.GROOVY, "return null"))
                            .definition()
                            .id()
                            .toString());
        }
    }

    @Test
    void aJavaScriptTooDeepForTheParserIsACompileFailure() {
        try (ScriptRuntime runtime = new ScriptRuntime()) {
            assertThrows(
                    CompileException.class,
                    () ->
                            runtime.compile(
                                    rule(
                                            Language.JS,
                                            "return 'a'" + ".concat('b')".repeat(5000) + ";")));
        }
    }

    @Test
    void checkReportsTheSameCompileFailure() {
        try (ScriptRuntime runtime = new ScriptRuntime()) {
            CompileException e =
                    assertThrows(
                            CompileException.class,
                            () -> runtime.check(Language.GROOVY, DEEP_GROOVY, "deep.groovy"));
            assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
        }
    }
}
