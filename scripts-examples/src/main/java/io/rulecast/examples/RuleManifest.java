package io.rulecast.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code rules.json} manifest: which script file serves which routing row, with its priority and
 * {@code config_json}, plus the job configuration the rules rely on (key path, writable tables,
 * dimensions). The demo pushes from it; the examples' tests replay from it.
 *
 * @param dir the directory of the manifest; rule files are relative to it
 * @param job job configuration keys (SPEC.md "Job configuration") the rules need
 * @param rules the rules, in manifest order
 */
public record RuleManifest(Path dir, Map<String, String> job, List<Rule> rules) {

    /**
     * One routing row.
     *
     * @param configJson {@code config_json} as it is stored: the manifest's object, compact
     */
    public record Rule(
            String file,
            String domain,
            String eventType,
            String ruleName,
            int priority,
            String configJson,
            String script) {

        public Language language() {
            return Language.ofFileName(file);
        }

        public RuleId id() {
            return new RuleId(domain, eventType, ruleName);
        }

        /** The row as the runtime runs it (enabled). */
        public RuleDefinition definition() {
            return new RuleDefinition(id(), language(), script, configJson, priority, true);
        }
    }

    /** Reads the manifest and every script it names. */
    public static RuleManifest load(Path manifest) throws IOException {
        Path dir = manifest.toAbsolutePath().getParent();
        JsonNode root = Json.MAPPER.readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        Map<String, String> job = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("job").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            job.put(e.getKey(), e.getValue().asText());
        }
        List<Rule> rules = new ArrayList<>();
        int n = 0;
        for (JsonNode r : root.path("rules")) {
            n++;
            String file = required(manifest, n, r, "file");
            JsonNode config = r.path("config_json");
            if (!config.isMissingNode() && !config.isNull() && !config.isObject()) {
                throw new IllegalArgumentException(
                        manifest + ": rule " + n + ": config_json must be a JSON object");
            }
            rules.add(
                    new Rule(
                            file,
                            required(manifest, n, r, "domain"),
                            required(manifest, n, r, "event_type"),
                            r.path("rule_name").asText(RuleId.DEFAULT_NAME),
                            r.path("priority").asInt(0),
                            config.isObject() ? Json.MAPPER.writeValueAsString(config) : null,
                            Files.readString(dir.resolve(file), StandardCharsets.UTF_8)));
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException(manifest + ": no rules under \"rules\"");
        }
        return new RuleManifest(dir, Map.copyOf(job), List.copyOf(rules));
    }

    /** Every rule as the runtime runs it. */
    public List<RuleDefinition> definitions() {
        return rules.stream().map(Rule::definition).toList();
    }

    /** {@code events.key.path}: what {@code ctx.state} is keyed by. */
    public String keyPath() {
        return job.getOrDefault("events.key.path", "eventId");
    }

    private static String required(Path manifest, int n, JsonNode rule, String field) {
        JsonNode v = rule.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(
                    manifest + ": rule " + n + " needs \"" + field + "\" (a non-empty string)");
        }
        return v.asText();
    }
}
