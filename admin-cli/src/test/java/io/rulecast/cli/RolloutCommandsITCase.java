package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.VersionHash;
import io.rulecast.testing.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code rulecast rollout start|status|promote|abort} against a real MariaDB database. */
class RolloutCommandsITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @TempDir static Path dir;

    private static final String CONFIG = "{\"output_table\":\"t\"}";
    private static final String LIVE = "return [id: event.payload.id, v: 1]\n";
    private static final String CANDIDATE = "return [id: event.payload.id, v: 2]\n";

    static CliRun db(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "--jdbc-url",
                        DB.jdbcUrl(),
                        "--user",
                        DB.user(),
                        "--password=" + DB.password()));
        return CliRun.of(all.toArray(String[]::new));
    }

    static Path file(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    @BeforeAll
    static void migrate() {
        CliRun r = db("db", "migrate");
        assertEquals(0, r.exitCode(), r.toString());
    }

    private static void push(String type, String script) throws Exception {
        Path s = file(type + "/live.groovy", script);
        Path c = file(type + "/config.json", CONFIG);
        CliRun r =
                db(
                        "push",
                        s.toString(),
                        "--domain",
                        "ro",
                        "--type",
                        type,
                        "--config",
                        c.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void shadowThenCanaryThenPromoteWithHistory() throws Exception {
        push("promote", LIVE);
        Path cand = file("promote/candidate.groovy", CANDIDATE);
        String live = VersionHash.of("groovy", LIVE, CONFIG);
        String candidate = VersionHash.of("groovy", CANDIDATE, CONFIG);

        CliRun start = db("rollout", "start", "ro/promote/main", cand.toString(), "--shadow");
        assertEquals(0, start.exitCode(), start.toString());
        assertEquals(
                "started rollout of ro/promote/main: candidate "
                        + candidate
                        + " shadow beside live "
                        + live.substring(0, 12),
                start.out().strip());

        CliRun canary = db("rollout", "start", "ro/promote", cand.toString(), "--canary", "12.5");
        assertEquals(0, canary.exitCode(), canary.toString());
        assertTrue(
                canary.out().startsWith("changed rollout of ro/promote/main"), canary.toString());
        assertTrue(canary.out().contains("canary 12.5%"), canary.toString());

        CliRun status = db("rollout", "status", "ro/promote/main");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.out().contains("rollout:    canary 12.5%"), status.toString());
        assertTrue(status.out().contains("candidate:  " + candidate), status.toString());
        assertTrue(status.out().contains("(still live)"), status.toString());

        CliRun promote = db("rollout", "promote", "ro/promote/main");
        assertEquals(0, promote.exitCode(), promote.toString());
        assertTrue(
                promote.out().startsWith("promoted ro/promote/main: live is now " + candidate),
                promote.toString());
        assertEquals(
                List.of(Map.of("script", CANDIDATE)),
                DB.query(
                        "SELECT script FROM routing_configs WHERE event_type = 'promote' AND rollout_mode IS NULL"));

        CliRun history = db("history", "ro", "promote");
        assertEquals(0, history.exitCode(), history.toString());
        List<String> lines = history.outLines();
        assertEquals(
                5, lines.size(), history.toString()); // header + insert, shadow, canary, promote
        assertTrue(
                lines.get(2).contains("shadow " + candidate.substring(0, 12)), history.toString());
        assertTrue(
                lines.get(3).contains("canary 12.5% " + candidate.substring(0, 12)),
                history.toString());
        assertTrue(
                lines.get(4).contains(candidate.substring(0, 12))
                        && lines.get(4).contains("<- current"),
                history.toString());
    }

    @Test
    void promoteRefusesWhenTheLiveVersionChangedAndAbortDropsTheCandidate() throws Exception {
        push("moved", LIVE);
        Path cand = file("moved/candidate.groovy", CANDIDATE);
        assertEquals(
                0, db("rollout", "start", "ro/moved/main", cand.toString(), "--shadow").exitCode());
        DB.execute("UPDATE routing_configs SET script = 'return null' WHERE event_type = 'moved'");

        CliRun promote = db("rollout", "promote", "ro/moved/main");
        assertEquals(1, promote.exitCode(), promote.toString());
        assertTrue(promote.err().contains("changed since the rollout started"), promote.toString());
        assertEquals(1, promote.errLines().size(), promote.toString());
        assertEquals(
                List.of(Map.of("script", "return null")),
                DB.query("SELECT script FROM routing_configs WHERE event_type = 'moved'"));

        CliRun abort = db("rollout", "abort", "ro/moved/main");
        assertEquals(0, abort.exitCode(), abort.toString());
        assertTrue(abort.out().startsWith("aborted shadow of ro/moved/main"), abort.toString());
        assertEquals(
                List.of(Map.of("n", 1L)),
                DB.query(
                        "SELECT COUNT(*) AS n FROM routing_configs WHERE event_type = 'moved'"
                                + " AND rollout_mode IS NULL AND candidate_script IS NULL"));
        CliRun again = db("rollout", "abort", "ro/moved/main");
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains("has no rollout running"), again.toString());
    }

    @Test
    void aCandidateThatDoesNotCompileIsNeverStored() throws Exception {
        push("broken", LIVE);
        Path bad = file("broken/candidate.groovy", "return [id: ");
        CliRun start = db("rollout", "start", "ro/broken/main", bad.toString(), "--canary", "50");
        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains("does not compile; nothing written"), start.toString());
        assertEquals(
                List.of(Map.of("n", 1L)),
                DB.query(
                        "SELECT COUNT(*) AS n FROM routing_configs WHERE event_type = 'broken'"
                                + " AND candidate_script IS NULL"));
    }

    @Test
    void badArgumentsExitTwoWithTheFix() throws Exception {
        push("args", LIVE);
        Path cand = file("args/candidate.groovy", CANDIDATE);
        CliRun both =
                db(
                        "rollout",
                        "start",
                        "ro/args/main",
                        cand.toString(),
                        "--shadow",
                        "--canary",
                        "5");
        assertEquals(2, both.exitCode(), both.toString());
        CliRun pct = db("rollout", "start", "ro/args/main", cand.toString(), "--canary", "150");
        assertEquals(2, pct.exitCode(), pct.toString());
        assertTrue(pct.err().contains("from 0 to 100"), pct.toString());
        CliRun rule = db("rollout", "status", "ro");
        assertEquals(2, rule.exitCode(), rule.toString());
        assertTrue(rule.err().contains("domain/event_type/rule_name"), rule.toString());
        CliRun missing = db("rollout", "status", "ro/nope/main");
        assertEquals(2, missing.exitCode(), missing.toString());
        CliRun same =
                db(
                        "rollout",
                        "start",
                        "ro/args/main",
                        file("args/same.groovy", LIVE).toString(),
                        "--shadow");
        assertEquals(2, same.exitCode(), same.toString());
        assertTrue(same.err().contains("nothing to try"), same.toString());
    }
}
