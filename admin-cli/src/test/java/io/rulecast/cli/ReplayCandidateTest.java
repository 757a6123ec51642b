package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rulecast replay --candidate}: shadow records of the differing events, then a summary. */
class ReplayCandidateTest {
    @TempDir static Path dir;
    static Path samples;

    @BeforeAll
    static void setUp() throws URISyntaxException {
        samples =
                Path.of(ReplayCandidateTest.class.getResource("/replay/add.groovy").toURI())
                        .getParent();
    }

    private static CliRun replay(Path candidate, String... more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "replay",
                                "--events",
                                samples.resolve("events.jsonl").toString(),
                                "--script",
                                samples.resolve("add.groovy").toString(),
                                "--domain",
                                "wrongbook",
                                "--type",
                                "wrongbook_add",
                                "--config",
                                samples.resolve("config.json").toString(),
                                "--dims",
                                samples.resolve("dims").toString(),
                                "--key-path",
                                "payload.userId",
                                "--candidate",
                                candidate.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void printsTheEventsWhoseCandidateOutputsDifferThenASummary() throws IOException {
        String live = Files.readString(samples.resolve("add.groovy"));
        // The candidate reads chapters differently: only events with a known question differ;
        // its state counts as the live one's (no difference from the shared counter).
        String changed = live.replace("chapter: q?.chapter]", "chapter: q == null ? null : 'x']");
        Path candidate = dir.resolve("candidate.groovy");
        Files.writeString(candidate, changed);
        CliRun r = replay(candidate);
        assertEquals(0, r.exitCode(), r.toString());
        List<String> out = r.outLines();
        JsonNode summary = Json.MAPPER.readTree(out.get(out.size() - 1)).get("summary");
        assertEquals(6, summary.get("events").asInt(), r.toString());
        // e-1, e-2 (BAD_RETURN in both versions: the same failure, no difference) and e-5
        assertEquals(3, summary.get("compared").asInt(), r.toString());
        assertEquals(1, summary.get("candidateFailed").asInt(), r.toString());
        int differing = summary.get("differing").asInt();
        assertEquals(1, differing, "only e-1 has a known question");
        assertEquals(out.size() - 1, differing, r.toString());
        JsonNode first = Json.MAPPER.readTree(out.get(0));
        assertEquals("wrongbook/wrongbook_add/main", first.get("rule").asText());
        String cv = first.get("candidateVersion").asText();
        assertTrue(cv.matches("[0-9a-f]{64}"), cv);
        assertNotEquals(first.get("liveVersion").asText(), cv);
        assertEquals("upsert", first.get("candidate").get(1).get("kind").asText(), out.get(0));
        assertEquals("x", first.get("candidate").get(1).get("row").get("chapter").asText());
    }

    @Test
    void theSameLogicDiffersNowhere() throws IOException {
        Path candidate = dir.resolve("same.groovy");
        Files.writeString(candidate, Files.readString(samples.resolve("add.groovy")) + "\n// v2\n");
        CliRun r = replay(candidate);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(
                List.of(
                        "{\"summary\":{\"events\":6,\"compared\":3,\"differing\":0,\"candidateFailed\":1}}"),
                r.outLines());
    }

    @Test
    void expectComparesTheRecordsAndTheSummaryButNotFailureMessages() throws IOException {
        Path candidate = dir.resolve("throws.groovy");
        Files.writeString(
                candidate,
                "if (event.eventId == 'e-5') throw new IllegalStateException('boom')\n"
                        + Files.readString(samples.resolve("add.groovy")));
        CliRun printed = replay(candidate);
        assertEquals(0, printed.exitCode(), printed.toString());
        assertEquals(2, printed.outLines().size(), printed.toString()); // e-5's record, summary
        String record = printed.outLines().get(0);
        assertTrue(record.contains("\"reason\":\"SCRIPT_ERROR\""), record);

        Path other = dir.resolve("expected-other-message.jsonl");
        Files.writeString(
                other,
                record.replaceAll("\"message\":\"[^\"]*\"", "\"message\":\"another text\"")
                        + "\n"
                        + printed.outLines().get(1)
                        + "\n");
        CliRun same = replay(candidate, "--expect", other.toString());
        assertEquals(0, same.exitCode(), same.toString());

        Path none = dir.resolve("expected-none.jsonl");
        Files.writeString(
                none,
                "{\"summary\":{\"events\":6,\"compared\":3,\"differing\":0,\"candidateFailed\":1}}\n");
        CliRun differs = replay(candidate, "--expect", none.toString());
        assertEquals(1, differs.exitCode(), differs.toString());
    }

    @Test
    void aCandidateThatDoesNotCompileIsAFailedCheck() throws IOException {
        Path candidate = dir.resolve("broken.groovy");
        Files.writeString(candidate, "return [");
        CliRun r = replay(candidate);
        assertEquals(1, r.exitCode(), r.toString());
    }
}
