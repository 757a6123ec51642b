package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import io.rulecast.runtime.VersionHash;
import io.rulecast.testing.MariaDbExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code rulecast} command line against a real MariaDB database: exit codes and output of
 * every database verb, and of validate and replay.
 */
class RulecastCommandsITCase {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @TempDir static Path dir;

    private static final String CONFIG = "{\"output_table\":\"dwd_wrongbook_wide\"}";
    private static final String V1 =
            "// wrongbook: a question was added\n"
                    + "return [wrongbook_id: event.payload.wrongbookId, user_id: event.payload.userId,"
                    + " status: 'added']\n";
    private static final String V2 =
            "// wrongbook: a question was added (v2, by SQL)\n"
                    + "return [wrongbook_id: event.payload.wrongbookId, user_id: event.payload.userId,"
                    + " status: 'added-v2']\n";

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

    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    static CliRun db(String... args) {
        return CliRun.of(withDb(args));
    }

    static Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    @BeforeAll
    static void migrate() {
        CliRun r = db("db", "migrate");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("migrated '" + DB.databaseName() + "'"), r.toString());
    }

    @Test
    void migrateAgainIsANoOp() {
        CliRun r = db("db", "migrate");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("is up to date"), r.toString());
    }

    @Test
    void pushListShowSqlUpdateHistoryDiffRollbackRoundTrip() throws Exception {
        Path script = file("roundtrip/add.groovy", V1);
        Path config = file("roundtrip/config.json", CONFIG + "\n");
        String v1 = VersionHash.of("groovy", V1, CONFIG);
        String v2 = VersionHash.of("groovy", V2, CONFIG);

        CliRun push =
                db(
                        "push",
                        script.toString(),
                        "--domain",
                        "rt",
                        "--type",
                        "add",
                        "--config",
                        config.toString(),
                        "--priority",
                        "5");
        assertEquals(0, push.exitCode(), push.toString());
        assertEquals("created rt/add/main " + v1, push.out().strip());

        CliRun again =
                db(
                        "push",
                        script.toString(),
                        "--domain",
                        "rt",
                        "--type",
                        "add",
                        "--config",
                        config.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("unchanged: " + v1), again.toString());

        CliRun list = db("list", "--domain", "rt");
        assertEquals(0, list.exitCode(), list.toString());
        assertEquals(2, list.outLines().size(), list.toString());
        assertTrue(list.outLines().get(0).startsWith("RULE"), list.toString());
        assertTrue(
                list.outLines()
                        .get(1)
                        .matches(
                                "rt/add/main\\s+groovy\\s+yes\\s+5\\s+"
                                        + v1.substring(0, 12)
                                        + "\\s+\\S+ \\S+"),
                list.toString());
        JsonNode listJson = Json.MAPPER.readTree(db("list", "--json").out());
        JsonNode mine = find(listJson, "rt/add/main");
        assertEquals(v1, mine.get("version").asText());
        assertEquals(5, mine.get("priority").asInt());
        assertEquals("dwd_wrongbook_wide", mine.path("config").path("output_table").asText());

        CliRun show = db("show", "rt", "add");
        assertEquals(0, show.exitCode(), show.toString());
        assertTrue(show.out().contains("version:   " + v1), show.toString());
        assertTrue(show.out().endsWith("script:\n" + V1), show.toString());
        assertEquals(
                V1,
                Json.MAPPER
                        .readTree(db("show", "rt", "add", "--json").out())
                        .get("script")
                        .asText());

        // A change by plain SQL, as an operator would make it: the history records it too.
        DB.execute(
                "UPDATE routing_configs SET script = '"
                        + V2.replace("'", "''").replace("\n", "\\n")
                        + "' WHERE domain = 'rt' AND event_type = 'add'");
        assertEquals(
                v2,
                Json.MAPPER
                        .readTree(db("show", "rt", "add", "--json").out())
                        .get("version")
                        .asText());

        CliRun history = db("history", "rt", "add");
        assertEquals(0, history.exitCode(), history.toString());
        List<String> rows = history.outLines();
        assertEquals(3, rows.size(), history.toString());
        assertTrue(
                rows.get(1).contains(" INSERT ") && rows.get(1).contains(v1.substring(0, 12)),
                history.toString());
        assertTrue(
                rows.get(2).contains(" UPDATE ") && rows.get(2).contains(v2.substring(0, 12)),
                history.toString());
        assertTrue(rows.get(2).endsWith("<- current"), history.toString());
        JsonNode hist = Json.MAPPER.readTree(db("history", "rt", "add", "--json").out());
        assertEquals(2, hist.size());
        long firstId = hist.get(0).get("historyId").asLong();
        assertEquals(v1, hist.get(0).get("version").asText());
        assertEquals(v2, hist.get(1).get("version").asText());
        assertEquals(V2, hist.get(1).get("script").asText());

        CliRun diff = db("diff", "rt", "add", String.valueOf(firstId), v2.substring(0, 8));
        assertEquals(0, diff.exitCode(), diff.toString());
        assertTrue(
                diff.out()
                        .startsWith(
                                "--- rt/add/main #"
                                        + firstId
                                        + " "
                                        + v1.substring(0, 12)
                                        + "\n+++ rt/add/main #"),
                diff.toString());
        assertTrue(diff.out().contains("\n-// wrongbook: a question was added\n"), diff.toString());
        assertTrue(
                diff.out().contains("\n+// wrongbook: a question was added (v2, by SQL)\n"),
                diff.toString());
        assertTrue(
                diff.out()
                        .contains(
                                "\n+return [wrongbook_id: event.payload.wrongbookId, user_id: event.payload.userId, status: 'added-v2']\n"),
                diff.toString());

        CliRun rollback = db("rollback", "rt", "add", "--to", v1.substring(0, 6));
        assertEquals(0, rollback.exitCode(), rollback.toString());
        assertTrue(
                rollback.out().startsWith("rolled back rt/add/main to " + v1), rollback.toString());
        assertEquals(
                v1,
                Json.MAPPER
                        .readTree(db("show", "rt", "add", "--json").out())
                        .get("version")
                        .asText());
        JsonNode after = Json.MAPPER.readTree(db("history", "rt", "add", "--json").out());
        assertEquals(3, after.size(), "the rollback is a new history entry");
        assertEquals("UPDATE", after.get(2).get("operation").asText());
        assertEquals(v1, after.get(2).get("version").asText());

        CliRun disable = db("disable", "rt", "add");
        assertEquals(0, disable.exitCode(), disable.toString());
        assertEquals(
                "disabled rt/add/main (version " + v1.substring(0, 12) + ")",
                disable.out().strip());
        assertTrue(
                db("list", "--domain", "rt")
                        .outLines()
                        .get(1)
                        .matches("rt/add/main\\s+groovy\\s+no\\s.*"));
        assertEquals(
                "unchanged: rt/add/main is already disabled",
                db("disable", "rt", "add").out().strip());
        CliRun enable = db("enable", "rt", "add");
        assertEquals(0, enable.exitCode(), enable.toString());
        JsonNode finalHistory = Json.MAPPER.readTree(db("history", "rt", "add", "--json").out());
        assertEquals(5, finalHistory.size(), "enable and disable are history entries");
        assertFalse(finalHistory.get(3).get("enabled").asBoolean());
        assertTrue(finalHistory.get(4).get("enabled").asBoolean());

        // An ambiguous prefix names the candidates and changes nothing.
        CliRun diffSame = db("diff", "rt", "add", v1.substring(0, 4), "current");
        assertEquals(0, diffSame.exitCode(), diffSame.toString());
        assertTrue(diffSame.out().startsWith("no difference"), diffSame.toString());
    }

    @Test
    void pushOfAnUnknownRuleVersionIsAUsageError() {
        CliRun r = db("rollback", "nope", "nothing", "--to", "abcd");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().startsWith("error: nope/nothing/main has no history"), r.toString());
        CliRun show = db("show", "nope", "nothing");
        assertEquals(2, show.exitCode(), show.toString());
        assertEquals(
                "error: no rule nope/nothing/main — see 'rulecast list', or add it with 'rulecast push'",
                show.err().strip());
    }

    @Test
    void unreachableDatabaseExits2WithOneLine() {
        CliRun r = cli("list", "--jdbc-url", "jdbc:mysql://127.0.0.1:1/rulecast", "--user", "root");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertEquals(
                List.of(
                        "error: cannot reach MySQL at 127.0.0.1:1: Connection refused — is it running?"
                                + " set --jdbc-url or RULECAST_JDBC_URL"),
                r.errLines());
    }

    @Test
    void missingSchemaSaysToMigrate() {
        DB.execute("CREATE DATABASE IF NOT EXISTS `" + DB.databaseName() + "_empty`");
        try {
            String url =
                    DB.jdbcUrl()
                            .replace("/" + DB.databaseName(), "/" + DB.databaseName() + "_empty");
            CliRun r =
                    cli(
                            "list",
                            "--jdbc-url",
                            url,
                            "--user",
                            DB.user(),
                            "--password=" + DB.password());
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals(1, r.errLines().size(), r.toString());
            assertTrue(r.err().contains("run 'rulecast db migrate'"), r.toString());
        } finally {
            DB.execute("DROP DATABASE IF EXISTS `" + DB.databaseName() + "_empty`");
        }
    }

    @Test
    void usageErrorsExit2WhileParsing() throws Exception {
        CliRun missing = cli("validate", dir.resolve("no-such.js").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertEquals(1, missing.errLines().size(), missing.toString());
        assertTrue(missing.err().contains("no such file"), missing.toString());

        Path txt = file("usage/rule.txt", "return null;");
        CliRun language = cli("validate", txt.toString());
        assertEquals(2, language.exitCode(), language.toString());
        assertTrue(language.err().contains("name it *.groovy or *.js"), language.toString());

        CliRun unknown = cli("histroy");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("did you mean history"), unknown.toString());

        Path badConfig = file("usage/config.json", "[1, 2]");
        Path js = file("usage/ok.groovy", "return null\n");
        CliRun config =
                cli(
                        "push",
                        js.toString(),
                        "--domain",
                        "d",
                        "--type",
                        "t",
                        "--config",
                        badConfig.toString());
        assertEquals(2, config.exitCode(), config.toString());
        assertTrue(config.err().contains("must hold a JSON object"), config.toString());

        CliRun replay = cli("replay", "--events", js.toString());
        assertEquals(2, replay.exitCode(), replay.toString());
        assertTrue(replay.err().contains("--from-db"), replay.toString());

        assertEquals(2, cli().exitCode());
        assertEquals(0, cli("--help").exitCode());
    }

    private static JsonNode find(JsonNode array, String rule) {
        for (JsonNode n : array) {
            if (rule.equals(n.get("rule").asText())) {
                return n;
            }
        }
        throw new AssertionError(rule + " not in " + array);
    }

    static Stream<String> lines(String s) {
        return s.lines().filter(l -> !l.isBlank());
    }

    static Map<String, Object> json(String line) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.MAPPER.readValue(line, Map.class);
        return m;
    }
}
