package io.rulecast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import io.rulecast.runtime.Language;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Files named on the command line, checked while the arguments are parsed: a missing file, a script
 * of unknown language or a config that is not a JSON object is a usage error (exit 2) before any
 * work starts.
 */
public final class Inputs {
    private Inputs() {}

    /** A rule script: its path, its language (from the extension) and its text. */
    public record ScriptFile(Path path, Language language, String text) {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** A {@code config_json} file: the JSON object's text as it will be stored. */
    public record ConfigFile(Path path, String json) {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** Reads a script; the extension decides the language. */
    public static final class ScriptConverter implements ITypeConverter<ScriptFile> {
        @Override
        public ScriptFile convert(String value) {
            Path p = existingFile(value);
            Language language;
            try {
                language = Language.ofFileName(p.getFileName().toString());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return new ScriptFile(p, language, read(p));
        }
    }

    /** Reads a JSON object; stored without surrounding whitespace. */
    public static final class ConfigConverter implements ITypeConverter<ConfigFile> {
        @Override
        public ConfigFile convert(String value) {
            Path p = existingFile(value);
            String text = read(p).strip();
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not JSON: " + firstLine(e.getMessage()));
            }
            if (node == null || !node.isObject()) {
                throw new TypeConversionException(
                        "'" + value + "' must hold a JSON object, e.g. {\"output_table\": \"t\"}");
            }
            return new ConfigFile(p, text);
        }
    }

    /** A file that must exist. */
    public static final class ExistingFile implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            return existingFile(value);
        }
    }

    /** A directory that must exist. */
    public static final class ExistingDir implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = Path.of(value);
            if (!Files.isDirectory(p)) {
                throw new TypeConversionException("no such directory: '" + value + "'");
            }
            return p;
        }
    }

    static Path existingFile(String value) {
        Path p = Path.of(value);
        if (Files.isDirectory(p)) {
            throw new TypeConversionException("'" + value + "' is a directory, not a file");
        }
        if (!Files.isRegularFile(p)) {
            throw new TypeConversionException("no such file: '" + value + "'");
        }
        if (!Files.isReadable(p)) {
            throw new TypeConversionException("cannot read '" + value + "': permission denied");
        }
        return p;
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TypeConversionException("cannot read '" + p + "': " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
