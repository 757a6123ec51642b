package io.rulecast.cli.demo;

import io.rulecast.examples.RuleManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The wrongbook example as the demo uses it: the rule manifest with its scripts, the wide-table and
 * dimension SQL, the dimension rows for replay, and the sample events. Read from a directory laid
 * out like {@code scripts-examples/wrongbook}, or from the copy built into the CLI jar (unpacked
 * into the demo's work directory, because {@code push} and {@code replay} read files).
 */
public final class WrongbookExample {
    static final String RESOURCE_ROOT = "/io/rulecast/cli/demo/wrongbook/";
    public static final String MANIFEST = "rules/rules.json";
    public static final String WIDE_TABLE_SQL = "schema/dwd_wrongbook_wide.sql";
    public static final String DIMS_SQL = "schema/dims.sql";
    public static final String SAMPLE_EVENTS = "events/sample.jsonl";
    private static final List<String> FILES =
            List.of(
                    MANIFEST,
                    WIDE_TABLE_SQL,
                    DIMS_SQL,
                    SAMPLE_EVENTS,
                    "dims/questions.jsonl",
                    "dims/students.jsonl");

    private final Path dir;
    private final RuleManifest manifest;

    private WrongbookExample(Path dir, RuleManifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /** The example in {@code dir} (the layout of {@code scripts-examples/wrongbook}). */
    public static WrongbookExample fromDirectory(Path dir) throws IOException {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IOException(dir + " is not a wrongbook example: it has no " + f);
            }
        }
        return new WrongbookExample(dir, RuleManifest.load(dir.resolve(MANIFEST)));
    }

    /** Unpacks the example built into the CLI into {@code target} and reads it from there. */
    public static WrongbookExample unpackBundled(Path target) throws IOException {
        for (String f : FILES) {
            copy(f, target);
        }
        RuleManifest bundled = RuleManifest.load(copyManifestScripts(target));
        return new WrongbookExample(target, bundled);
    }

    private static Path copyManifestScripts(Path target) throws IOException {
        Path manifest = target.resolve(MANIFEST);
        // The manifest names its scripts; they are unpacked before it is loaded.
        String json = Files.readString(manifest, StandardCharsets.UTF_8);
        for (com.fasterxml.jackson.databind.JsonNode r :
                io.rulecast.event.Json.MAPPER.readTree(json).path("rules")) {
            String file = r.path("file").asText("");
            if (!file.isEmpty() && !Files.exists(manifest.getParent().resolve(file))) {
                copy("rules/" + file, target);
            }
        }
        return manifest;
    }

    private static void copy(String name, Path target) throws IOException {
        try (InputStream in = WrongbookExample.class.getResourceAsStream(RESOURCE_ROOT + name)) {
            if (in == null) {
                throw new IOException(
                        "the wrongbook example is not built into this CLI (missing "
                                + name
                                + "): rebuild it with mvn -pl admin-cli -am package");
            }
            Path out = target.resolve(name);
            Files.createDirectories(out.getParent());
            Files.write(out, in.readAllBytes());
        }
    }

    public Path dir() {
        return dir;
    }

    public RuleManifest manifest() {
        return manifest;
    }

    public Path file(String relative) {
        return dir.resolve(relative);
    }

    public String read(String relative) throws IOException {
        return Files.readString(dir.resolve(relative), StandardCharsets.UTF_8);
    }

    public Path dimsDir() {
        return dir.resolve("dims");
    }

    /** The committed sample stream, one event (or deliberately broken line) per line. */
    public List<String> sampleEvents() throws IOException {
        return Files.readAllLines(dir.resolve(SAMPLE_EVENTS), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank())
                .toList();
    }
}
