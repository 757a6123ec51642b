package io.rulecast.cli.scaffold;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.Language;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Text from a spec lands in comments, string literals and interpolated messages of the rules and in
 * SQL; line breaks, quotes, {@code $}, {@code ${…}}, backticks and backslashes must stay text. The
 * scaffold compiles the rules and checks their output against the spec, so it fails if any of it
 * turned into code. The event type has the characters a type may have beyond an identifier.
 */
class AwkwardTextTest {
    static final String NASTY = "a'b\\\"c`d${x}$y\\nnew line\r\nend\u2028sep";

    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Language.class)
    void textStaysText(Language language) throws Exception {
        String json = io.rulecast.event.Json.write(NASTY);
        String spec =
                """
                {"domain": "odd", "description": %1$s,
                 "events": [{"type": "t:odd.v1", "description": %1$s, "fields": [
                   {"name": "id", "type": "string", "required": true, "examples": [%1$s, "plain"]},
                   {"name": "class", "type": "string", "examples": [%1$s, "plain"]}]}],
                 "wideTable": {"name": "w", "description": %1$s, "primaryKey": ["id"], "columns": [
                   {"name": "id", "type": "VARCHAR(64)", "description": %1$s, "from": {"*": {"payload": "id"}}},
                   {"name": "label", "type": "VARCHAR(64)", "from": {"t:odd.v1": {"const": %1$s}}},
                   {"name": "klass", "type": "VARCHAR(64)", "from": {"t:odd.v1": {"payload": "class", "orElse": {"const": %1$s}}}}]},
                 "alerts": [{"name": "odd", "on": "t:odd.v1", "when": %2$s, "message": %3$s, "fields": ["id"]},
                            {"name": "echo", "on": "t:odd.v1", "message": "{id} {{literal}} {class}"}]}
                """
                        .formatted(
                                json,
                                io.rulecast.event.Json.write(
                                        "klass == '"
                                                + NASTY.replace("\\", "\\\\").replace("'", "\\'")
                                                + "'"),
                                io.rulecast.event.Json.write(
                                        NASTY.replace("{", "{{").replace("}", "}}") + " {id}"));
        DomainSpec parsed = SpecReader.read(spec);
        Path dir = tmp.resolve("odd");
        Scaffolder.Result r = Scaffolder.scaffold(parsed, spec, language, dir, false, 7, Map.of());
        assertTrue(r.uncovered().isEmpty(), r.uncovered().toString());
        String golden = Files.readString(dir.resolve("expected/sample.replay.jsonl"));
        assertTrue(golden.contains("\"alert\":\"odd\""), golden);
        assertTrue(golden.contains("{literal}"), golden);
    }
}
