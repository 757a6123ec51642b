package io.rulecast.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.examples.RuleManifest;
import io.rulecast.runtime.RuleId;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoStepsTest {
    @TempDir Path dir;

    @Test
    void theBundledExampleUnpacksWithItsRulesAndSample() throws Exception {
        WrongbookExample ex = WrongbookExample.unpackBundled(dir);
        RuleManifest m = ex.manifest();
        assertEquals(5, m.rules().size());
        assertEquals("payload.userId", m.keyPath());
        assertEquals("dwd_wrongbook_wide", m.job().get("sink.tables.allowed"));
        assertEquals(200, ex.sampleEvents().size());
        assertTrue(
                m.rules().stream()
                        .anyMatch(
                                r ->
                                        r.id().equals(
                                                        new RuleId(
                                                                HotUpdate.DOMAIN,
                                                                HotUpdate.TYPE,
                                                                HotUpdate.RULE))));
    }

    @Test
    void theHotUpdateFitsTheExampleRule() throws Exception {
        WrongbookExample ex = WrongbookExample.unpackBundled(dir);
        String script =
                ex.manifest().rules().stream()
                        .filter(r -> r.eventType().equals(HotUpdate.TYPE))
                        .filter(r -> r.ruleName().equals(HotUpdate.RULE))
                        .findFirst()
                        .orElseThrow()
                        .script();
        HotUpdate.Change change = HotUpdate.change(script);
        assertNotNull(change, "the example's wrongbook_add lost its add_source line");
        assertEquals("add_source  : p.addSource ?: 'unknown',", change.oldLine());
        assertEquals("add_source  : (p.addSource ?: 'unknown') + '@v2',", change.newLine());
        assertEquals(script.replace(change.oldLine(), change.newLine()), change.script());
    }

    @Test
    void hotChangeOfAScriptWithoutTheLineIsNull() {
        assertNull(HotUpdate.change("return [a: 1]"));
    }

    @Test
    void wordsAndHashes() {
        assertEquals("1 alert", DemoConsole.plural(1, "alert"));
        assertEquals("0 alerts", DemoConsole.plural(0, "alert"));
        assertEquals(
                "created d/t/main 49e1223d4fe9 (was 0123456789ab)",
                CliCalls.shortenHashes(
                        "created d/t/main "
                                + "49e1223d4fe9".repeat(5)
                                + "abcd (was 0123456789ab)"));
    }
}
