package io.rulecast.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.cli.CliException;
import io.rulecast.event.Json;
import io.rulecast.routing.KeyPath;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.PlainData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Replay's {@code ctx.dim}: dimension {@code NAME} is the file {@code DIR/NAME.jsonl}, each line
 * {@code {"key": …, "row": {…}}}. Files are read on first use. Keys match by value, so {@code 7}
 * and {@code "7"} name the same row, as they would in a SQL lookup.
 */
public final class JsonlDimensions implements DimensionLookup {
    private final Path dir;
    private final Map<String, Map<String, Map<String, Object>>> loaded = new HashMap<>();

    /**
     * @param dir the directory of {@code *.jsonl} files, or null for no dimensions at all
     */
    public JsonlDimensions(Path dir) {
        this.dir = dir;
    }

    @Override
    public Map<String, Object> lookup(String dimName, Object key) {
        Map<String, Map<String, Object>> rows = loaded.get(dimName);
        if (rows == null) {
            rows = load(dimName);
            loaded.put(dimName, rows);
        }
        return key == null ? null : rows.get(keyOf(key));
    }

    private Map<String, Map<String, Object>> load(String dimName) {
        if (dir == null) {
            throw new IllegalArgumentException(
                    "no dimension '"
                            + dimName
                            + "': replay with --dims DIR holding "
                            + dimName
                            + ".jsonl");
        }
        if (!dimName.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("no dimension '" + dimName + "'");
        }
        Path file = dir.resolve(dimName + ".jsonl");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "no dimension '" + dimName + "': " + file + " does not exist");
        }
        Map<String, Map<String, Object>> rows = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw bad(file, n, "not JSON");
                }
                if (!node.isObject() || !node.has("key") || !node.path("row").isObject()) {
                    throw bad(file, n, "expected {\"key\": …, \"row\": {…}}");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> row = Json.MAPPER.convertValue(node.get("row"), Map.class);
                Object key = Json.MAPPER.convertValue(node.get("key"), Object.class);
                rows.put(keyOf(key), PlainData.readOnly(row));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static CliException bad(Path file, int line, String why) {
        return CliException.usage(file + ":" + line + ": " + why);
    }

    /** Keys compared as text, numbers without a trailing ".0": the job's key function. */
    static String keyOf(Object key) {
        return KeyPath.text(key);
    }
}
