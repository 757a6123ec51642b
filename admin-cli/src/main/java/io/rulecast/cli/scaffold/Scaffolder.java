package io.rulecast.cli.scaffold;

import io.rulecast.broker.ChildJvms;
import io.rulecast.examples.RuleManifest;
import io.rulecast.runtime.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a domain folder from a checked spec: generates everything in memory, writes it into a
 * temporary folder next to the target, replays the sample through the generated rules with the
 * engine's own replay to write the golden file, checks that output against the spec ({@link
 * SpecCheck}), and only then moves the folder into place. Nothing is left behind half-way.
 */
public final class Scaffolder {
    /** Replay's bound per invocation: golden output must not depend on how busy the machine is. */
    static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(10);

    private static final int SHOWN_DISAGREEMENTS = 3;

    /**
     * What was written.
     *
     * @param files path → content of every file, relative to {@code dir}
     * @param uncovered branches of the rules no sample event takes (see {@link SampleEvents})
     */
    public record Result(
            Path dir,
            DomainSpec spec,
            Language language,
            Map<String, String> files,
            int sampleEvents,
            List<String> uncovered) {}

    private Scaffolder() {}

    /**
     * @param specText the spec's JSON as it will be kept in the folder
     * @param extraEvents more events files to replay into golden files (name → lines), e.g. the
     *     events a draft spec was inferred from
     * @param force replace {@code out} if it exists and is not empty
     * @throws IllegalArgumentException when {@code out} may not be written
     * @throws IllegalStateException when the generated rules do not do what the spec says (a bug)
     */
    public static Result scaffold(
            DomainSpec spec,
            String specText,
            Language language,
            Path out,
            boolean force,
            long seed,
            Map<String, List<String>> extraEvents) {
        checkTarget(out, force);
        Map<String, List<Map<String, Object>>> dimRows = DimensionRows.of(spec);
        SampleEvents.Stream sample = new SampleEvents(spec, dimRows, seed).generate();
        Map<String, String> files =
                new LinkedHashMap<>(
                        DomainFiles.of(spec, specText, language, dimRows, sample.lines()));
        Map<String, List<String>> events = new LinkedHashMap<>();
        events.put("sample", sample.lines());
        extraEvents.forEach(
                (name, lines) -> {
                    events.put(name, lines);
                    files.put("events/" + name + ".jsonl", String.join("\n", lines) + "\n");
                });
        Path parent = out.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".scaffold-");
            write(tmp, files);
            RuleManifest manifest = RuleManifest.load(tmp.resolve(DomainFiles.MANIFEST));
            try (DomainReplay replay =
                    new DomainReplay(
                            manifest.definitions(),
                            tmp.resolve("dims"),
                            spec.keyPath(),
                            REPLAY_TIMEOUT)) {
                for (Map.Entry<String, List<String>> e : events.entrySet()) {
                    DomainReplay.Run run = replay.replay(e.getValue());
                    if (!run.compileErrors().isEmpty()) {
                        throw new IllegalStateException(
                                "a generated rule does not compile (a bug in rulecast scaffold): "
                                        + run.compileErrors());
                    }
                    List<String> wrong =
                            SpecCheck.disagreements(
                                    spec,
                                    dimRows,
                                    language,
                                    e.getValue(),
                                    run.lines(),
                                    SHOWN_DISAGREEMENTS);
                    if (!wrong.isEmpty()) {
                        throw new IllegalStateException(
                                "the generated rules do not do what the spec says on events/"
                                        + e.getKey()
                                        + ".jsonl (a bug in rulecast scaffold): "
                                        + String.join("; ", wrong));
                    }
                    String golden = "expected/" + e.getKey() + ".replay.jsonl";
                    files.put(
                            golden,
                            String.join("\n", run.lines()) + (run.lines().isEmpty() ? "" : "\n"));
                    write(tmp, Map.of(golden, files.get(golden)));
                }
            }
            moveInto(tmp, out, force);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                ChildJvms.deleteRecursively(tmp);
            }
        }
        return new Result(out, spec, language, files, sample.lines().size(), sample.uncovered());
    }

    private static void checkTarget(Path out, boolean force) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(
                    out + " is a file: give --out a directory to create");
        }
        if (!force && Files.isDirectory(out) && !isEmpty(out)) {
            throw new IllegalArgumentException(
                    out
                            + " exists and is not empty: choose another --out, or add --force to replace it");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** Renames the finished folder into place; an old one is moved aside first and then deleted. */
    private static void moveInto(Path tmp, Path out, boolean force) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            if (!force && !isEmpty(out)) {
                throw new FileAlreadyExistsException(out.toString());
            }
            old = Files.createTempDirectory(tmp.getParent(), "." + out.getFileName() + ".old-");
            Files.delete(old);
            Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, out, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (old != null) {
            ChildJvms.deleteRecursively(old);
        }
    }
}
