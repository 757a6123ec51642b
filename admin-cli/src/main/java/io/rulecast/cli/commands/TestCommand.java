package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.Inputs;
import io.rulecast.cli.Rulecast;
import io.rulecast.cli.scaffold.DomainReplay;
import io.rulecast.examples.RuleManifest;
import io.rulecast.runtime.RuleId;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rulecast test DIR}: every golden replay of a domain folder — each {@code
 * events/NAME.jsonl} replayed through the rules of {@code rules/rules.json} (dimensions from {@code
 * dims/}, state keyed as the manifest's job says) and compared with {@code
 * expected/NAME.replay.jsonl}. With {@code --push}, a green run then pushes every rule of the
 * manifest.
 */
@Command(
        name = "test",
        description = {
            "Run every golden replay of a domain folder (as written by 'rulecast scaffold', or"
                    + " scripts-examples/wrongbook): events/NAME.jsonl through the rules of"
                    + " rules/rules.json, compared with expected/NAME.replay.jsonl.",
            "One line per file and a summary; exit 1 and a diff of the first differing files when"
                    + " an output differs."
        })
public final class TestCommand extends BaseCommand {
    private static final int DIFF_LINES = 40;

    @Parameters(
            paramLabel = "DIR",
            converter = Inputs.ExistingDir.class,
            description = "The domain folder.")
    Path dir;

    @Option(
            names = "--script-timeout",
            paramLabel = "MS",
            defaultValue = "1000",
            description =
                    "Time bound of one invocation in ms (default ${DEFAULT-VALUE}: a golden test checks"
                            + " outputs, not speed).")
    long scriptTimeoutMs;

    @Option(
            names = "--show",
            paramLabel = "N",
            defaultValue = "3",
            description =
                    "Print the diff of the first N differing files (default ${DEFAULT-VALUE}).")
    int show;

    @Option(
            names = "--update",
            description =
                    "Rewrite the expected files from the current output instead of comparing.")
    boolean update;

    @Option(
            names = "--push",
            description =
                    "When every file matches, push every rule of the manifest (as 'rulecast push').")
    boolean push;

    @Mixin ConnectionOptions connection;

    /** One events file's result. */
    private record Outcome(String events, boolean passed, String diff) {}

    @Override
    public Integer call() {
        if (scriptTimeoutMs <= 0) {
            throw CliException.usage("--script-timeout must be positive");
        }
        if (update && push) {
            throw CliException.usage(
                    "--update and --push do not go together: review the updated files first");
        }
        RuleManifest manifest = manifest();
        List<Path> eventFiles = eventFiles();
        Path dims = Files.isDirectory(dir.resolve("dims")) ? dir.resolve("dims") : null;
        List<Outcome> outcomes = new ArrayList<>();
        try (DomainReplay replay =
                new DomainReplay(
                        manifest.definitions(),
                        dims,
                        manifest.keyPath(),
                        Duration.ofMillis(scriptTimeoutMs))) {
            for (Path events : eventFiles) {
                outcomes.add(test(replay, events));
            }
        }
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        int shown = 0;
        for (Outcome o : outcomes) {
            if (!o.passed() && o.diff() != null && shown++ < show) {
                out().println();
                out().print(o.diff());
            }
        }
        String summary =
                outcomes.size()
                        + (outcomes.size() == 1 ? " golden file: " : " golden files: ")
                        + (outcomes.size() - failed)
                        + " passed, "
                        + failed
                        + " failed";
        out().println(summary);
        out().flush();
        if (failed > 0) {
            throw CliException.failedCheck(
                    "the rules' output differs from "
                            + failed
                            + (failed == 1 ? " golden file" : " golden files")
                            + " in "
                            + dir
                            + (push ? "; nothing pushed" : ""));
        }
        if (push) {
            push(manifest);
        }
        return 0;
    }

    private Outcome test(DomainReplay replay, Path events) {
        String name = events.getFileName().toString().replaceAll("\\.jsonl$", "");
        String rel = "events/" + events.getFileName();
        Path expected = dir.resolve("expected").resolve(name + ".replay.jsonl");
        String expectedRel = "expected/" + expected.getFileName();
        DomainReplay.Run run = replay.replay(readLines(events));
        for (Map.Entry<RuleId, String> e : run.compileErrors().entrySet()) {
            err().println(
                            "warning: "
                                    + e.getKey()
                                    + " does not compile, its events fail with COMPILE_ERROR: "
                                    + e.getValue());
        }
        String counts = run.events() + " events, " + run.lines().size() + " output lines";
        if (update) {
            List<String> before = Files.exists(expected) ? readLines(expected) : List.of();
            write(expected, run.lines());
            boolean same = DomainReplay.compare(before, run.lines(), expectedRel).matches();
            out().println((same ? "same " : "wrote ") + expectedRel + " (" + counts + ")");
            return new Outcome(rel, true, null);
        }
        if (!Files.isRegularFile(expected)) {
            out().println(
                            "FAIL "
                                    + rel
                                    + ": no "
                                    + expectedRel
                                    + " — write it with 'rulecast test "
                                    + dir
                                    + " --update'");
            return new Outcome(rel, false, null);
        }
        DomainReplay.Comparison c;
        try {
            c = DomainReplay.compare(readLines(expected), run.lines(), expectedRel);
        } catch (DomainReplay.BadGoldenLine e) {
            throw CliException.usage(
                    dir.resolve(expectedRel)
                            + ":"
                            + e.line()
                            + ": not JSON — each line must be one JSON object as replay prints it");
        }
        if (c.matches()) {
            out().println("ok   " + rel + " (" + counts + ")");
            return new Outcome(rel, true, null);
        }
        out().println(
                        "FAIL "
                                + rel
                                + ": "
                                + c.differences()
                                + (c.differences() == 1 ? " line differs" : " lines differ")
                                + " from "
                                + expectedRel
                                + " ("
                                + counts
                                + ")");
        return new Outcome(rel, false, truncate(c.report()));
    }

    private static String truncate(String report) {
        List<String> lines = report.lines().toList();
        if (lines.size() <= DIFF_LINES) {
            return report;
        }
        return String.join("\n", lines.subList(0, DIFF_LINES))
                + "\n… "
                + (lines.size() - DIFF_LINES)
                + " more lines of diff\n";
    }

    private RuleManifest manifest() {
        Path file = dir.resolve("rules/rules.json");
        if (!Files.isRegularFile(file)) {
            throw CliException.usage(
                    dir
                            + " is not a domain folder: it has no rules/rules.json (see 'rulecast scaffold')");
        }
        try {
            return RuleManifest.load(file);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> eventFiles() {
        Path events = dir.resolve("events");
        List<Path> files = List.of();
        if (Files.isDirectory(events)) {
            try (Stream<Path> s = Files.list(events)) {
                files =
                        s.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                                .sorted()
                                .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (files.isEmpty()) {
            throw CliException.usage(dir + " has no events/*.jsonl to replay");
        }
        return files;
    }

    /** Pushes each rule as 'rulecast push' would, stopping at the first that fails. */
    private void push(RuleManifest manifest) {
        Path configs;
        try {
            configs = Files.createTempDirectory("rulecast-test-push-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (RuleManifest.Rule r : manifest.rules()) {
                Path config = configs.resolve(r.eventType() + "." + r.ruleName() + ".json");
                write(config, List.of(r.configJson() == null ? "{}" : r.configJson()));
                CommandLine cmd = Rulecast.commandLine();
                StringWriter o = new StringWriter();
                StringWriter e = new StringWriter();
                cmd.setOut(new PrintWriter(o, true));
                cmd.setErr(new PrintWriter(e, true));
                int code =
                        cmd.execute(
                                "push",
                                manifest.dir().resolve(r.file()).toString(),
                                "--domain",
                                r.domain(),
                                "--type",
                                r.eventType(),
                                "--name",
                                r.ruleName(),
                                "--priority",
                                Integer.toString(r.priority()),
                                "--config",
                                config.toString(),
                                "--jdbc-url",
                                connection.database().url(),
                                "--user",
                                connection.database().user(),
                                "--password=" + connection.database().password());
                o.toString().lines().forEach(out()::println);
                out().flush();
                if (code != 0) {
                    String error = e.toString().strip().replaceFirst("^error: ", "");
                    throw new CliException(code, "pushing " + r.id() + " failed: " + error);
                }
            }
        } finally {
            io.rulecast.broker.ChildJvms.deleteRecursively(configs);
        }
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, List<String> lines) {
        try {
            Files.createDirectories(p.toAbsolutePath().getParent());
            Files.write(p, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
