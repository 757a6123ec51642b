package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.event.BusinessEvent;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC "Version stamps": {@code config_json.version_column} on every upserted row. */
class VersionStampTest {
    private final ScriptRuntime runtime = new ScriptRuntime(RuntimeOptions.defaults());

    @AfterEach
    void close() {
        runtime.close();
    }

    private static final String SCRIPT =
            "ctx.upsert('audit', [id: event.eventId, v: 'mine'])\n"
                    + "ctx.delete('gone', [id: event.eventId])\n"
                    + "return [[id: event.eventId, n: 1], [id: event.eventId + 'b', n: 2]]";

    private RunningRule rule(Language language, String script, String config) throws Exception {
        RuleDefinition d =
                new RuleDefinition(new RuleId("d", "t", "r"), language, script, config, 0, true);
        return new RunningRule(d.id(), runtime.compile(d), 0, null);
    }

    private static Map<String, Object> event() {
        return new BusinessEvent("e1", "d", "t", 1L, Map.of(), null, null).scriptView();
    }

    @Test
    void everyUpsertOfTheRuleCarriesItsShortVersionAndDeletesAreUntouched() throws Exception {
        for (Language language : Language.values()) {
            String script =
                    language == Language.GROOVY
                            ? SCRIPT
                            : "ctx.upsert('audit', {id: event.eventId, v: 'mine'});\n"
                                    + "ctx.delete('gone', {id: event.eventId});\n"
                                    + "return [{id: event.eventId, n: 1}, {id: event.eventId + 'b', n: 2}];";
            RunningRule r =
                    rule(language, script, "{\"output_table\":\"wide\",\"version_column\":\"v\"}");
            RuleRunner.Run run =
                    new RuleRunner(null)
                            .run(
                                    r,
                                    event(),
                                    new MemoryStateStore().forKey("k"),
                                    DimensionLookup.NONE);
            assertTrue(run.ok(), language + ": " + run.message());
            String stamp = r.compiled().definition().shortVersion();
            assertEquals(12, stamp.length());
            List<Emission> w = run.writes();
            assertEquals(4, w.size(), language + ": " + w);
            int upserts = 0;
            for (Emission e : w) {
                if (e instanceof Emission.Upsert u) {
                    upserts++;
                    assertEquals(stamp, u.row().get("v"), language + ": " + u);
                    assertEquals(u.row().get("id") == null, false);
                } else {
                    assertFalse(((Emission.Delete) e).key().containsKey("v"), language + ": " + e);
                }
            }
            assertEquals(3, upserts);
        }
    }

    @Test
    void withoutTheKeyRowsAreAsTheRuleMadeThem() throws Exception {
        RunningRule r = rule(Language.GROOVY, SCRIPT, "{\"output_table\":\"wide\"}");
        RuleRunner.Run run =
                new RuleRunner(null)
                        .run(r, event(), new MemoryStateStore().forKey("k"), DimensionLookup.NONE);
        Emission.Upsert audit = (Emission.Upsert) run.writes().get(0);
        assertEquals("mine", audit.row().get("v"));
        Emission.Upsert wide = (Emission.Upsert) run.writes().get(2);
        assertFalse(wide.row().containsKey("v"));
    }

    @Test
    void theTableCheckSeesTheStampedRowSoAMissingColumnIsABadOutput() throws Exception {
        RunningRule r =
                rule(
                        Language.GROOVY,
                        "return [id: event.eventId]",
                        "{\"output_table\":\"wide\",\"version_column\":\"written_by\"}");
        RuleRunner.WriteCheck noSuchColumn =
                w ->
                        w instanceof Emission.Upsert u && u.row().containsKey("written_by")
                                ? "table wide has no column written_by"
                                : null;
        RuleRunner.Run run =
                new RuleRunner(noSuchColumn)
                        .run(r, event(), new MemoryStateStore().forKey("k"), DimensionLookup.NONE);
        assertEquals(DeadLetterReason.BAD_OUTPUT, run.reason());
        assertTrue(run.message().contains("written_by"), run.message());
    }

    @Test
    void aVersionColumnThatIsNotANameIsACompileError() {
        for (String bad : new String[] {"3", "\"\"", "[\"v\"]", "{\"a\":1}", "true"}) {
            CompileException e =
                    assertThrows(
                            CompileException.class,
                            () ->
                                    rule(
                                            Language.GROOVY,
                                            "return null",
                                            "{\"version_column\":" + bad + "}"),
                            bad);
            assertTrue(e.getMessage().contains("version_column"), e.getMessage());
        }
    }
}
