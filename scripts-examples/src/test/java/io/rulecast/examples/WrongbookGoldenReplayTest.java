package io.rulecast.examples;

import static io.rulecast.examples.ExampleFiles.GOLDEN;
import static io.rulecast.examples.ExampleFiles.RULES;
import static io.rulecast.examples.ExampleFiles.SAMPLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.cli.replay.ExpectComparer;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.event.Json;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every example rule, in priority order, over {@code events/sample.jsonl} with {@code
 * dims/*.jsonl}, through the CLI's replay engine, must print exactly {@code
 * expected/sample.replay.jsonl} (compared as {@code rulecast replay --expect} compares). A change
 * of behaviour — of a rule, the runtime, the event parser or the replay engine — fails the build
 * here.
 *
 * <p>With {@code -Drulecast.golden.update=true} the tests rewrite the sample and the golden file
 * first (in this order, hence the ordering), then check them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WrongbookGoldenReplayTest {

    @Test
    @Order(1)
    void sampleIsWhatTheGeneratorWrites() throws IOException {
        List<String> generated =
                new WrongbookEventGenerator(ExampleFiles.SAMPLE_SEED, ExampleFiles.SAMPLE_COUNT)
                        .generate();
        if (ExampleFiles.updating()) {
            ExampleFiles.write(SAMPLE, generated);
        }
        assertEquals(generated, ExampleFiles.read(SAMPLE), ExampleFiles.regenerateHint());
    }

    @Test
    @Order(2)
    void sampleReplaysToTheGoldenOutput() throws IOException {
        RuleManifest manifest = RuleManifest.load(RULES);
        List<String> actual;
        try (Replayer replayer =
                ExampleFiles.replayer(manifest.definitions(), manifest.keyPath())) {
            assertEquals(
                    Set.of(), replayer.compileErrors().keySet(), "every example rule compiles");
            actual = replayer.replayAll(ExampleFiles.read(SAMPLE));
        }
        if (ExampleFiles.updating()) {
            ExampleFiles.write(GOLDEN, actual);
        }
        ExpectComparer.Result result =
                ExpectComparer.compare(ExampleFiles.read(GOLDEN), actual, GOLDEN.toString());
        assertTrue(result.matches(), () -> result.report() + ExampleFiles.regenerateHint());
    }

    /** The sample must keep exercising every kind of output and every rule, or it proves little. */
    @Test
    @Order(3)
    void goldenOutputHasEveryKindOfLineAndEveryRule() throws IOException {
        Set<String> kinds = new TreeSet<>();
        Set<String> rules = new TreeSet<>();
        Set<String> failureReasons = new TreeSet<>();
        Set<String> rejectionReasons = new TreeSet<>();
        for (String line : ExampleFiles.read(GOLDEN)) {
            JsonNode n = Json.MAPPER.readTree(line);
            String kind = n.path("kind").asText();
            kinds.add(kind);
            if (n.hasNonNull("rule")) {
                rules.add(n.get("rule").asText());
            }
            if (kind.equals("failure")) {
                failureReasons.add(n.path("reason").asText());
            } else if (kind.equals("rejected")) {
                rejectionReasons.add(n.path("reason").asText());
            }
        }
        assertEquals(Set.of("upsert", "alert", "metric", "failure", "rejected"), kinds);
        Set<String> manifestRules = new TreeSet<>();
        RuleManifest.load(RULES).rules().forEach(r -> manifestRules.add(r.id().toString()));
        assertEquals(manifestRules, rules, "every rule of the manifest has output in the sample");
        assertEquals(Set.of("SCRIPT_ERROR"), failureReasons);
        assertEquals(Set.of("MALFORMED_JSON", "MISSING_FIELD", "WRONG_TYPE"), rejectionReasons);
    }
}
