package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import io.rulecast.testing.MariaDbExtension;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate}, {@code replay} and the checks of {@code push} through the real command line:
 * compile errors and sandbox refusals with their positions, replay's lines and its comparison with
 * expected output, and that a failed check writes nothing to the real database.
 */
class ValidateReplayITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @TempDir static Path dir;

    static Path samples;

    @BeforeAll
    static void setUp() throws URISyntaxException {
        samples =
                Path.of(ValidateReplayITCase.class.getResource("/replay/add.groovy").toURI())
                        .getParent();
        CliRun r = CliRun.of(withDb("db", "migrate"));
        assertEquals(0, r.exitCode(), r.toString());
    }

    static String[] withDb(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "--jdbc-url",
                        DB.jdbcUrl(),
                        "--user",
                        DB.user(),
                        "--password=" + DB.password()));
        return all.toArray(String[]::new);
    }

    static String sample(String name) {
        return samples.resolve(name).toString();
    }

    static Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    static long rows() {
        return ((Number) DB.query("SELECT COUNT(*) AS n FROM routing_configs").get(0).get("n"))
                .longValue();
    }

    @Test
    void validateReportsTheLineAndColumnOfASyntaxError() throws IOException {
        Path bad = file("syntax.groovy", "def a = 1\ndef b = (2 +\n");
        Path good = file("good.groovy", "return [id: event.eventId]\n");
        CliRun r = CliRun.of("validate", good.toString(), bad.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of(good + ": ok (groovy)"), r.outLines());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().startsWith(bad + ":2:12: "), r.toString());

        CliRun ok = CliRun.of("validate", good.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertEquals("", ok.err());
    }

    @Test
    void sandboxViolationFailsValidateAndPushWritesNothing() throws IOException {
        Path evil =
                file("evil.groovy", "def r = Runtime.getRuntime()\nr.exec('id')\nreturn null\n");
        CliRun v = CliRun.of("validate", evil.toString());
        assertEquals(1, v.exitCode(), v.toString());
        assertEquals(
                List.of(evil + ":1:9: class java.lang.Runtime is not allowed in rules"),
                v.errLines());

        long before = rows();
        CliRun p = CliRun.of(withDb("push", evil.toString(), "--domain", "sec", "--type", "evil"));
        assertEquals(1, p.exitCode(), p.toString());
        assertEquals(
                evil + ":1:9: class java.lang.Runtime is not allowed in rules",
                p.errLines().get(0));
        assertTrue(p.errLines().get(1).endsWith("nothing written"), p.toString());
        assertEquals("", p.out());
        assertEquals(before, rows());
        assertTrue(
                DB.query("SELECT id FROM routing_config_history WHERE domain = 'sec'").isEmpty());
    }

    @Test
    void replayPrintsTheSpecLinesInOrder() throws IOException {
        CliRun r =
                CliRun.of(
                        "replay",
                        "--events",
                        sample("events.jsonl"),
                        "--script",
                        sample("add.groovy"),
                        "--domain",
                        "wrongbook",
                        "--type",
                        "wrongbook_add",
                        "--config",
                        sample("config.json"),
                        "--dims",
                        sample("dims"),
                        "--key-path",
                        "payload.userId");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> kinds = new ArrayList<>();
        for (String line : r.outLines()) {
            JsonNode n = Json.MAPPER.readTree(line);
            kinds.add(n.get("eventId").asText(null) + " " + n.get("kind").asText());
        }
        assertEquals(
                List.of(
                        "e-1 metric",
                        "e-1 upsert",
                        "e-2 failure",
                        "null rejected",
                        // No userId: the job dead-letters it (NO_KEY) before routing, so replay
                        // rejects it too, though no rule serves wrongbook_fix here.
                        "e-3 rejected",
                        "e-4 rejected",
                        "e-5 metric",
                        "e-5 upsert"),
                kinds);
        assertEquals(
                "{\"eventId\":\"e-1\",\"rule\":\"wrongbook/wrongbook_add/main\",\"kind\":\"upsert\","
                        + "\"table\":\"dwd_wrongbook_wide\",\"row\":{\"wrongbook_id\":\"wb-1\",\"adds\":1,"
                        + "\"chapter\":\"fractions\"}}",
                r.outLines().get(1));
        assertTrue(
                r.outLines()
                        .get(2)
                        .startsWith(
                                "{\"eventId\":\"e-2\",\"rule\":\"wrongbook/wrongbook_add/main\",\"kind\":\"failure\",\"reason\":\"BAD_RETURN\",\"message\":"),
                r.toString());
        assertTrue(
                r.outLines()
                        .get(3)
                        .startsWith(
                                "{\"eventId\":null,\"kind\":\"rejected\",\"reason\":\"MALFORMED_JSON\",\"message\":"),
                r.toString());
        assertEquals(
                List.of(
                        "replayed 6 events through 1 rule: 4 outputs, 1 failure, 3 rejected, 0 matched no rule"),
                r.errLines());
    }

    @Test
    void replayExpectPassesOnMatchingOutputAndExits1WithADiffOnAMismatch() throws IOException {
        String[] args = {
            "replay",
            "--events",
            sample("events.jsonl"),
            "--script",
            sample("add.groovy"),
            "--domain",
            "wrongbook",
            "--type",
            "wrongbook_add",
            "--config",
            sample("config.json"),
            "--dims",
            sample("dims"),
            "--key-path",
            "payload.userId",
            "--expect",
            null
        };
        args[args.length - 1] = sample("expected.jsonl");
        CliRun ok = CliRun.of(args);
        assertEquals(0, ok.exitCode(), ok.toString());
        assertEquals("output matches " + sample("expected.jsonl"), ok.out().strip());

        Path wrong =
                file(
                        "wrong.jsonl",
                        Files.readString(samples.resolve("expected.jsonl"))
                                .replace("\"chapter\":\"fractions\"", "\"chapter\":\"geometry\""));
        args[args.length - 1] = wrong.toString();
        CliRun bad = CliRun.of(args);
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(
                bad.out()
                        .startsWith(
                                "replay output differs from "
                                        + wrong
                                        + ": 8 expected lines, 8 actual, 1 difference\n"),
                bad.toString());
        assertTrue(bad.out().contains("\n- 2:    {\"eventId\":\"e-1\""), bad.toString());
        assertTrue(bad.out().contains("\n+ 2:    {\"eventId\":\"e-1\""), bad.toString());
        assertTrue(
                bad.out().contains("row.chapter expected \"geometry\", got \"fractions\""),
                bad.toString());
        assertTrue(
                bad.err().endsWith("error: replay output differs from " + wrong + " (1 line)\n"),
                bad.toString());
    }

    @Test
    void pushRefusesToWriteWhenItsReplayDiffersAndWritesWhenItMatches() throws IOException {
        Path wrong =
                file(
                        "push-wrong.jsonl",
                        Files.readString(samples.resolve("expected.jsonl"))
                                .replace("\"adds\":2", "\"adds\":7"));
        String[] base = {
            "push",
            sample("add.groovy"),
            "--domain",
            "wrongbook",
            "--type",
            "wrongbook_add",
            "--config",
            sample("config.json"),
            "--replay",
            sample("events.jsonl"),
            "--dims",
            sample("dims"),
            "--key-path",
            "payload.userId",
            "--expect"
        };
        List<String> a = new ArrayList<>(List.of(base));
        a.add(wrong.toString());
        long before = rows();
        CliRun refused = CliRun.of(withDb(a.toArray(String[]::new)));
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("nothing written"), refused.toString());
        assertEquals(before, rows());

        a.set(a.size() - 1, sample("expected.jsonl"));
        CliRun pushed = CliRun.of(withDb(a.toArray(String[]::new)));
        assertEquals(0, pushed.exitCode(), pushed.toString());
        assertTrue(
                pushed.out().contains("created wrongbook/wrongbook_add/main "), pushed.toString());

        // The rules in the database replay like the file did.
        CliRun fromDb =
                CliRun.of(
                        withDb(
                                "replay",
                                "--from-db",
                                "--events",
                                sample("events.jsonl"),
                                "--dims",
                                sample("dims"),
                                "--key-path",
                                "payload.userId",
                                "--expect",
                                sample("expected.jsonl")));
        assertEquals(0, fromDb.exitCode(), fromDb.toString());
    }

    @Test
    void pushWithReplayRefusesAScriptThatFails() throws IOException {
        long before = rows();
        CliRun r =
                CliRun.of(
                        withDb(
                                "push",
                                sample("add.groovy"),
                                "--domain",
                                "wrongbook",
                                "--type",
                                "wrongbook_add",
                                "--name",
                                "failing",
                                "--config",
                                sample("config.json"),
                                "--replay",
                                sample("events.jsonl"),
                                "--dims",
                                sample("dims")));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(
                r.err()
                        .contains(
                                "wrongbook/wrongbook_add/failing failed on 1 of the replayed events"),
                r.toString());
        assertEquals(before, rows());
    }

    @Test
    void javaScriptRulesValidateAndTheirRunTimeSandboxRefusalsStopAPush() throws IOException {
        Path syntax = file("syntax.js", "const a = 1;\nconst b = (2 +;\n");
        CliRun v = CliRun.of("validate", syntax.toString());
        assertEquals(1, v.exitCode(), v.toString());
        assertEquals(List.of(syntax + ":2:15: Expected an operand but found ;"), v.errLines());

        // GraalJS has no compile-time view of what a script reaches: the refusal comes when it
        // runs,
        // so push --replay is where it is caught before anything is written.
        Path evil = file("evil.js", "const r = Java.type('java.lang.Runtime');\nreturn null;\n");
        long before = rows();
        CliRun p =
                CliRun.of(
                        withDb(
                                "push",
                                evil.toString(),
                                "--domain",
                                "wrongbook",
                                "--type",
                                "wrongbook_add",
                                "--name",
                                "evil",
                                "--replay",
                                sample("events.jsonl")));
        assertEquals(1, p.exitCode(), p.toString());
        assertTrue(
                p.out().contains("\"kind\":\"failure\",\"reason\":\"SANDBOX_VIOLATION\""),
                p.toString());
        assertTrue(p.err().contains("nothing written"), p.toString());
        assertEquals(before, rows());
    }
}
