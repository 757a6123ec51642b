package io.rulecast.examples;

import io.rulecast.cli.replay.JsonlDimensions;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the wrongbook example's files are, and the one switch that rewrites the generated ones:
 * {@code mvn -pl scripts-examples -am test -Drulecast.golden.update=true} (then review the diff).
 */
final class ExampleFiles {
    /** Surefire runs in the module directory. */
    static final Path WRONGBOOK = Path.of("wrongbook");

    static final Path RULES = WRONGBOOK.resolve("rules/rules.json");
    static final Path DIMS = WRONGBOOK.resolve("dims");
    static final Path SAMPLE = WRONGBOOK.resolve("events/sample.jsonl");
    static final Path GOLDEN = WRONGBOOK.resolve("expected/sample.replay.jsonl");

    /** The committed sample: {@code WrongbookEventGenerator --count 200 --seed 42}. */
    static final int SAMPLE_COUNT = 200;

    static final long SAMPLE_SEED = 42;

    static final String UPDATE_PROPERTY = "rulecast.golden.update";

    /**
     * The job's bounds, with a generous timeout: the golden output must not depend on how busy the
     * machine running the build is. A rule that really loops still fails, just later.
     */
    static final RuntimeOptions OPTIONS =
            RuntimeOptions.defaults().withTimeout(Duration.ofSeconds(10));

    private ExampleFiles() {}

    static boolean updating() {
        return Boolean.getBoolean(UPDATE_PROPERTY);
    }

    static List<String> read(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** A replayer over the example's dimension files, keyed as the manifest says. */
    static Replayer replayer(List<RuleDefinition> rules, String keyPath) {
        return new Replayer(rules, OPTIONS, new JsonlDimensions(DIMS), keyPath);
    }

    static String regenerateHint() {
        return "if the change is intended, regenerate with: mvn -pl scripts-examples -am test -D"
                + UPDATE_PROPERTY
                + "=true -Dtest='Wrongbook*Test' -Dsurefire.failIfNoSpecifiedTests=false"
                + " — then review the diff";
    }
}
