package io.rulecast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.cli.replay.ExpectComparer;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.event.Json;
import io.rulecast.routing.ReplayLines;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue #3's acceptance: the same wrongbook-like logic written in Groovy and in JavaScript ({@code
 * rules/equivalence/wrongbook_add_equiv.*}) gives identical outcomes on the same 1,000 sample
 * events. Each language gets its own replayer (its own state), both see the same dimensions, and
 * their outputs are compared event by event as {@code rulecast replay --expect} compares: rows,
 * alerts and metrics value by value (numbers by value, so Groovy's BigDecimal 0.33 equals
 * JavaScript's 0.33), failures by reason.
 */
class WrongbookEquivalenceTest {
    private static final int EVENTS = 1000;
    private static final long SEED = 20251124L;
    private static final Path DIR = ExampleFiles.WRONGBOOK.resolve("rules/equivalence");
    private static final String CONFIG =
            "{\"output_table\": \"wrongbook_equiv_check\", \"utc_offset_hours\": 8}";
    private static final RuleId RULE = new RuleId("wrongbook", "wrongbook_add", "equiv");

    @Test
    void groovyAndJavaScriptGiveIdenticalOutcomesOnTheSameThousandEvents() throws IOException {
        List<String> events = new WrongbookEventGenerator(SEED, EVENTS).generate();
        assertEquals(EVENTS, events.size());
        String keyPath = RuleManifest.load(ExampleFiles.RULES).keyPath();

        List<String> mismatches = new ArrayList<>();
        Map<String, Integer> kinds = new TreeMap<>();
        int eventsWithOutput = 0;
        try (Replayer groovy = ExampleFiles.replayer(List.of(rule(Language.GROOVY)), keyPath);
                Replayer js = ExampleFiles.replayer(List.of(rule(Language.JS)), keyPath)) {
            assertEquals(Set.of(), groovy.compileErrors().keySet());
            assertEquals(Set.of(), js.compileErrors().keySet());
            for (String event : events) {
                List<String> fromGroovy = replay(groovy, event);
                List<String> fromJs = replay(js, event);
                ExpectComparer.Result same =
                        ExpectComparer.compare(fromGroovy, fromJs, "the Groovy rule's output");
                if (!same.matches()) {
                    mismatches.add("event " + event + "\n" + same.report());
                }
                if (!fromGroovy.isEmpty()) {
                    eventsWithOutput++;
                }
                for (String line : fromGroovy) {
                    JsonNode n = Json.MAPPER.readTree(line);
                    String kind = n.path("kind").asText();
                    if (kind.equals("failure") || kind.equals("rejected")) {
                        kind += ":" + n.path("reason").asText();
                    }
                    kinds.merge(kind, 1, Integer::sum);
                }
            }
        }
        assertTrue(
                mismatches.isEmpty(),
                () ->
                        mismatches.size()
                                + " of "
                                + EVENTS
                                + " events differ between Groovy (expected) and JavaScript (actual);"
                                + " the first:\n"
                                + mismatches.get(0));
        // What was compared: most events, and every kind of outcome the rule can have.
        assertTrue(eventsWithOutput > EVENTS / 2, "events with output: " + eventsWithOutput);
        assertTrue(kinds.getOrDefault("upsert", 0) > EVENTS / 2, kinds::toString);
        assertTrue(kinds.getOrDefault("metric", 0) > EVENTS / 2, kinds::toString);
        assertTrue(kinds.getOrDefault("alert", 0) > 0, kinds::toString);
        assertTrue(kinds.getOrDefault("failure:SCRIPT_ERROR", 0) > 0, kinds::toString);
    }

    private static RuleDefinition rule(Language language) throws IOException {
        String script =
                Files.readString(
                        DIR.resolve("wrongbook_add_equiv" + language.extension()),
                        StandardCharsets.UTF_8);
        return new RuleDefinition(RULE, language, script, CONFIG, 0, true);
    }

    private static List<String> replay(Replayer replayer, String event) {
        List<String> out = new ArrayList<>();
        replayer.replay(event, m -> out.add(ReplayLines.format(m)));
        return out;
    }
}
