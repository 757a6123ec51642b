package io.rulecast.cli.scaffold;

import io.rulecast.cli.replay.ExpectComparer;
import io.rulecast.cli.replay.JsonlDimensions;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A domain's rules replayed over its sample events with the engine's own replay (the job's script
 * runtime, state in memory keyed as in the job, dimensions from {@code dims/*.jsonl}), and replay
 * output compared with a golden file as {@code rulecast replay --expect} compares it.
 *
 * <p>The one place the scaffold and {@code rulecast test} reach the replay engine, so that it can
 * move between modules without touching them.
 */
public final class DomainReplay implements AutoCloseable {
    private final ScriptRuntime runtime;
    private final List<RuleDefinition> rules;
    private final Path dims;
    private final String keyPath;

    /** The output of one events file. */
    public record Run(List<String> lines, Map<RuleId, String> compileErrors, long events) {}

    /** The outcome of comparing output with a golden file. */
    public record Comparison(boolean matches, int differences, String report) {}

    /** A golden file line that is not JSON. */
    public static final class BadGoldenLine extends IllegalArgumentException {
        private final int line;

        BadGoldenLine(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /**
     * @param dims the directory of {@code <dimension>.jsonl} files, or null
     * @param keyPath what keys {@code ctx.state} ({@code events.key.path})
     * @param timeout the bound of one rule invocation
     */
    public DomainReplay(List<RuleDefinition> rules, Path dims, String keyPath, Duration timeout) {
        this.runtime = new ScriptRuntime(RuntimeOptions.defaults().withTimeout(timeout));
        this.rules = rules;
        this.dims = dims;
        this.keyPath = keyPath;
    }

    /** Replays every non-blank line, from empty state. */
    public Run replay(List<String> eventLines) {
        try (Replayer replayer = new Replayer(runtime, rules, new JsonlDimensions(dims), keyPath)) {
            Map<RuleId, String> errors = new LinkedHashMap<>();
            for (Map.Entry<RuleId, CompileException> e : replayer.compileErrors().entrySet()) {
                errors.put(e.getKey(), e.getValue().getMessage());
            }
            List<String> out = replayer.replayAll(eventLines);
            return new Run(out, errors, replayer.stats().events);
        }
    }

    /**
     * Compares output with a golden file's lines: as JSON values, numbers by value, messages of
     * failures and rejections not compared.
     *
     * @throws BadGoldenLine when a golden line is not JSON
     */
    public static Comparison compare(
            List<String> expected, List<String> actual, String expectedName) {
        try {
            ExpectComparer.Result r = ExpectComparer.compare(expected, actual, expectedName);
            return new Comparison(r.matches(), r.differences(), r.report());
        } catch (ExpectComparer.BadLineException e) {
            throw new BadGoldenLine(e.line(), e.getMessage());
        }
    }

    @Override
    public void close() {
        runtime.close();
    }
}
