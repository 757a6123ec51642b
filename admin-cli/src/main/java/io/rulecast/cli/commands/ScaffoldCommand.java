package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.Inputs;
import io.rulecast.cli.scaffold.EventInference;
import io.rulecast.cli.scaffold.Scaffolder;
import io.rulecast.cli.scaffold.SpecException;
import io.rulecast.cli.scaffold.SpecReader;
import io.rulecast.runtime.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code rulecast scaffold}: a new domain folder — DDL, one rule per event type, manifest, sample
 * dimension rows and events, golden replay, job settings, README — from a spec, or from a spec it
 * drafts from sample events.
 */
@Command(
        name = "scaffold",
        description = {
            "Write a complete domain folder from a spec: the wide and dimension tables (MySQL and"
                    + " Flink SQL), one rule per event type, the manifest, sample dimension rows and"
                    + " events, the golden replay output, job.properties and a README.",
            "With --from-events, draft the spec from sample events first (it is written into the"
                    + " folder, with what was guessed printed).",
            "Nothing is written when the spec is wrong: one line names the JSON path and the fix."
        })
public final class ScaffoldCommand extends BaseCommand {
    @Parameters(
            arity = "0..1",
            paramLabel = "SPEC.json",
            converter = Inputs.ExistingFile.class,
            description = "The domain spec (see docs/cli.md \"scaffold\").")
    Path specFile;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "The domain folder to create (new or empty).")
    Path out;

    @Option(
            names = "--language",
            paramLabel = "LANG",
            description = "groovy or js (default: the spec's \"language\", else groovy).")
    String language;

    @Option(
            names = "--from-events",
            paramLabel = "EVENTS.jsonl",
            converter = Inputs.ExistingFile.class,
            description = "Draft the spec from these events instead of reading one.")
    Path fromEvents;

    @Option(
            names = "--domain",
            paramLabel = "DOMAIN",
            description = "With --from-events: the domain whose events to use.")
    String domain;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "Seed of the sample events (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--force", description = "Replace DIR if it exists and is not empty.")
    boolean force;

    @Override
    public Integer call() {
        if ((specFile == null) == (fromEvents == null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give either SPEC.json or --from-events EVENTS.jsonl --domain D");
        }
        if (fromEvents != null && domain == null) {
            throw new ParameterException(spec.commandLine(), "--from-events needs --domain D");
        }
        if (fromEvents == null && domain != null) {
            throw new ParameterException(spec.commandLine(), "--domain goes with --from-events");
        }
        String specText;
        String specName;
        Map<String, List<String>> extra = new TreeMap<>();
        if (specFile != null) {
            specText = read(specFile);
            specName = specFile.toString();
        } else {
            List<String> lines = read(fromEvents).lines().toList();
            EventInference.Draft draft = EventInference.infer(lines, domain, fromEvents.toString());
            draft.notes().forEach(n -> out().println("guessed: " + n));
            specText = draft.specJson();
            specName = "the spec drafted from " + fromEvents;
            String name = fromEvents.getFileName().toString().replaceAll("\\.jsonl$|\\.json$", "");
            extra.put(name.equals("sample") ? "input" : name, lines);
        }
        io.rulecast.cli.scaffold.DomainSpec domainSpec;
        try {
            domainSpec = SpecReader.read(specText);
        } catch (SpecException e) {
            throw CliException.usage(specName + ": " + e.getMessage() + "; nothing written");
        }
        Language lang = language(domainSpec.language());
        Scaffolder.Result r;
        try {
            r = Scaffolder.scaffold(domainSpec, specText, lang, out, force, seed, extra);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        } catch (IllegalStateException e) {
            throw CliException.failedCheck(e.getMessage() + "; nothing written");
        }
        report(r);
        return 0;
    }

    private Language language(Language fromSpec) {
        if (language == null) {
            return fromSpec == null ? Language.GROOVY : fromSpec;
        }
        try {
            return Language.of(language);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--language: " + e.getMessage());
        }
    }

    private void report(Scaffolder.Result r) {
        out().println(
                        "scaffolded domain "
                                + r.spec().domain()
                                + " in "
                                + r.dir()
                                + " ("
                                + r.language().id()
                                + " rules):");
        for (String f : r.files().keySet()) {
            out().println("  " + f);
        }
        out().println(
                        "  "
                                + r.sampleEvents()
                                + " sample events; their replay output is the golden file, checked against the spec");
        for (String u : r.uncovered()) {
            out().println(
                            "note: no sample event takes branch "
                                    + u
                                    + " — add examples to the fields it reads");
        }
        out().println(
                        "next: "
                                + r.dir().resolve("README.md")
                                + " — apply schema/*.sql, then 'rulecast test "
                                + r.dir()
                                + " --push' and 'rulecast run --config "
                                + r.dir().resolve("job.properties")
                                + "'");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
