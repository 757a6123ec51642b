package io.rulecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code rulecast scaffold} and {@code rulecast test} through the real command line, with the
 * engine's own replay (no database, no broker): the shop spec of the test resources (three event
 * types, two dimensions, alerts and metrics) in both languages.
 */
class ScaffoldCommandTest {
    @TempDir Path tmp;

    static Path shopSpec() throws URISyntaxException {
        return Path.of(ScaffoldCommandTest.class.getResource("/scaffold/shop.spec.json").toURI());
    }

    Path scaffold(String language) throws URISyntaxException {
        Path out = tmp.resolve("shop-" + language);
        CliRun r =
                CliRun.of(
                        "scaffold",
                        shopSpec().toString(),
                        "--out",
                        out.toString(),
                        "--language",
                        language);
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                try {
                    out.add(Json.MAPPER.readTree(l));
                } catch (IOException notJson) {
                    out.add(null); // the deliberately cut-off sample line
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"groovy", "js"})
    void writesTheFolderAndItPassesItsGoldenTest(String language) throws Exception {
        Path out = scaffold(language);
        String ext = language.equals("js") ? ".js" : ".groovy";
        for (String f :
                List.of(
                        "shop.spec.json",
                        "README.md",
                        "job.properties",
                        "schema/dwd_order_wide.sql",
                        "schema/dims.sql",
                        "schema/dwd_order_wide.flink.sql",
                        "rules/rules.json",
                        "rules/order_created" + ext,
                        "rules/order_paid" + ext,
                        "rules/order_shipped" + ext,
                        "dims/users.jsonl",
                        "dims/products.jsonl",
                        "events/sample.jsonl",
                        "expected/sample.replay.jsonl")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        CliRun test = CliRun.of("test", out.toString());
        assertEquals(0, test.exitCode(), test.toString());
        assertTrue(test.out().startsWith("ok   events/sample.jsonl ("), test.toString());
        assertTrue(test.out().contains("1 golden file: 1 passed, 0 failed"), test.toString());
    }

    @Test
    void aTestFailsWithADiffAfterOneExpectedLineIsEdited() throws Exception {
        Path out = scaffold("groovy");
        Path golden = out.resolve("expected/sample.replay.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(golden));
        int edited = -1;
        for (int i = 0; i < lines.size() && edited < 0; i++) {
            if (lines.get(i).contains("\"status\":\"PAID\"")) {
                lines.set(i, lines.get(i).replace("\"status\":\"PAID\"", "\"status\":\"PAYED\""));
                edited = i + 1;
            }
        }
        Files.write(golden, lines);
        CliRun test = CliRun.of("test", out.toString());
        assertEquals(1, test.exitCode(), test.toString());
        assertTrue(
                test.out()
                        .startsWith(
                                "FAIL events/sample.jsonl: 1 line differs from expected/sample.replay.jsonl"),
                test.toString());
        assertTrue(test.out().contains("- " + edited + ":"), test.toString());
        assertTrue(
                test.out().contains("row.status expected \"PAYED\", got \"PAID\""),
                test.toString());
        assertTrue(test.out().contains("1 golden file: 0 passed, 1 failed"), test.toString());
        assertEquals(
                "error: the rules' output differs from 1 golden file in " + out,
                test.err().strip());

        CliRun update = CliRun.of("test", out.toString(), "--update");
        assertEquals(0, update.exitCode(), update.toString());
        assertTrue(
                update.out().startsWith("wrote expected/sample.replay.jsonl"), update.toString());
        assertEquals(0, CliRun.of("test", out.toString()).exitCode());
    }

    @Test
    void aBadSpecIsOneLineWithExit2AndWritesNothing() throws Exception {
        Path spec = tmp.resolve("bad.spec.json");
        Files.writeString(
                spec,
                Files.readString(shopSpec())
                        .replace(
                                "\"DECIMAL(12,2)\", \"from\": {\"order_paid\"",
                                "\"MONEY\", \"from\": {\"order_paid\""));
        Path out = tmp.resolve("never");
        CliRun r = CliRun.of("scaffold", spec.toString(), "--out", out.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertEquals(
                "error: "
                        + spec
                        + ": $.wideTable.columns[12].type: unknown SQL type 'MONEY' — use one of"
                        + " VARCHAR(n), CHAR(n), TEXT, TINYINT, SMALLINT, INT, BIGINT, DECIMAL(p,s),"
                        + " DOUBLE, BOOLEAN, DATE, DATETIME, TIMESTAMP(3), JSON; nothing written",
                r.err().strip());
        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(spec), left.toList(), "no temporary folder left behind");
        }
    }

    @Test
    void anExistingFolderIsKeptUnlessForced() throws Exception {
        Path out = scaffold("groovy");
        Files.writeString(out.resolve("mine.txt"), "keep me");
        CliRun again = CliRun.of("scaffold", shopSpec().toString(), "--out", out.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertEquals(
                "error: "
                        + out
                        + " exists and is not empty: choose another --out, or add --force to replace it",
                again.err().strip());
        assertTrue(Files.exists(out.resolve("mine.txt")));
        CliRun forced =
                CliRun.of(
                        "scaffold",
                        shopSpec().toString(),
                        "--out",
                        out.toString(),
                        "--force",
                        "--language",
                        "js");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertFalse(Files.exists(out.resolve("mine.txt")));
        assertTrue(Files.exists(out.resolve("rules/order_paid.js")));
    }

    @Test
    void theSampleTakesEveryBranchAndHasBrokenEvents() throws Exception {
        Path out = scaffold("groovy");
        Set<String> kinds = new TreeSet<>();
        Set<String> rejections = new TreeSet<>();
        Set<String> failed = new TreeSet<>();
        Map<String, Set<String>> alertsByEvent = new HashMap<>();
        for (JsonNode l : jsonLines(out.resolve("expected/sample.replay.jsonl"))) {
            kinds.add(l.get("kind").asText());
            switch (l.get("kind").asText()) {
                case "rejected" -> rejections.add(l.get("reason").asText());
                case "failure" -> {
                    assertEquals("SCRIPT_ERROR", l.get("reason").asText());
                    failed.add(l.get("rule").asText());
                }
                case "alert" ->
                        alertsByEvent
                                .computeIfAbsent(l.get("eventId").asText(), k -> new TreeSet<>())
                                .add(l.get("fields").get("alert").asText());
                default -> {}
            }
        }
        assertEquals(Set.of("alert", "failure", "metric", "rejected", "upsert"), kinds);
        assertEquals(Set.of("MALFORMED_JSON", "MISSING_FIELD", "WRONG_TYPE"), rejections);
        assertEquals(
                Set.of(
                        "shop/order_created/main",
                        "shop/order_paid/main",
                        "shop/order_shipped/main"),
                failed,
                "each rule gets an event without a required field");
        // Every alert fires on some events of its type and not on others.
        Map<String, String> alertType =
                Map.of(
                        "large_payment",
                        "order_paid",
                        "paid_again",
                        "order_paid",
                        "vip_bulk_order",
                        "order_created");
        for (Map.Entry<String, String> a : alertType.entrySet()) {
            int fired = 0;
            int quiet = 0;
            for (JsonNode e : jsonLines(out.resolve("events/sample.jsonl"))) {
                if (e != null && a.getValue().equals(e.path("type").asText()) && e.has("payload")) {
                    boolean f =
                            alertsByEvent
                                    .getOrDefault(e.get("eventId").asText(), Set.of())
                                    .contains(a.getKey());
                    fired += f ? 1 : 0;
                    quiet += f ? 0 : 1;
                }
            }
            assertTrue(
                    fired > 0 && quiet > 0, a.getKey() + ": fired " + fired + ", quiet " + quiet);
        }
    }

    /**
     * The rows in the golden file are what the spec says, checked here by hand for each kind of
     * source rather than by the scaffold's own check: payload fields, dimension columns (and their
     * fallback), constants, the event time at UTC+8, counters per row, an expression.
     */
    @ParameterizedTest
    @ValueSource(strings = {"groovy", "js"})
    void theRowsHoldWhatTheSpecSays(String language) throws Exception {
        Path out = scaffold(language);
        Map<String, JsonNode> users = dims(out.resolve("dims/users.jsonl"));
        Map<String, JsonNode> products = dims(out.resolve("dims/products.jsonl"));
        Map<String, JsonNode> events = new HashMap<>();
        for (JsonNode e : jsonLines(out.resolve("events/sample.jsonl"))) {
            if (e != null && e.has("eventId")) {
                events.put(e.get("eventId").asText(), e);
            }
        }
        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        Map<String, Integer> payments = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        int checked = 0;
        for (JsonNode line : jsonLines(out.resolve("expected/sample.replay.jsonl"))) {
            if (!line.get("kind").asText().equals("upsert")) {
                continue;
            }
            JsonNode event = events.get(line.get("eventId").asText());
            JsonNode p = event.get("payload");
            JsonNode row = line.get("row");
            String order = p.get("orderId").asText();
            assertEquals(order, row.get("order_id").asText());
            assertEquals(
                    seen.merge(order, 1, Integer::sum),
                    row.get("events_seen").asInt(),
                    "counter of all types");
            var at =
                    Instant.ofEpochMilli(event.get("timestamp").asLong())
                            .atOffset(ZoneOffset.ofHours(8));
            switch (event.get("type").asText()) {
                case "order_created" -> {
                    assertEquals("CREATED", row.get("status").asText());
                    assertEquals(p.get("quantity").asInt(), row.get("quantity").asInt());
                    assertEquals(p.path("coupon").asText("none"), row.get("coupon").asText());
                    assertEquals(
                            p.path("address").path("city").asText(null), text(row.get("city")));
                    JsonNode user = users.get(p.get("userId").asText());
                    assertEquals(
                            user == null ? "(unknown)" : user.get("name").asText(),
                            row.get("user_name").asText());
                    assertEquals(
                            user == null ? null : user.get("level").asText(),
                            text(row.get("user_level")));
                    JsonNode product = products.get(p.get("productId").asText());
                    assertEquals(
                            product == null ? null : product.get("title").asText(),
                            text(row.get("product_title")));
                    if (product == null) {
                        assertTrue(row.get("list_total").isNull());
                    } else {
                        BigDecimal want =
                                product.get("price")
                                        .decimalValue()
                                        .multiply(BigDecimal.valueOf(p.get("quantity").asInt()));
                        assertEquals(
                                0,
                                want.compareTo(row.get("list_total").decimalValue()),
                                row.toString());
                    }
                    assertEquals(at.format(local), row.get("created_at").asText());
                }
                case "order_paid" -> {
                    assertEquals("PAID", row.get("status").asText());
                    assertEquals(
                            0,
                            p.get("amount")
                                    .decimalValue()
                                    .compareTo(row.get("amount").decimalValue()));
                    assertEquals(p.path("channel").asText(null), text(row.get("pay_channel")));
                    assertEquals(at.format(local), row.get("paid_at").asText());
                    assertEquals(
                            payments.merge(order, 1, Integer::sum),
                            row.get("pay_attempts").asInt());
                }
                default -> {
                    assertEquals("SHIPPED", row.get("status").asText());
                    assertEquals(p.get("carrier").asText(), row.get("carrier").asText());
                    assertEquals(
                            p.path("express").asBoolean(false), row.get("express").asBoolean());
                    assertEquals(at.toLocalDate().toString(), row.get("shipped_on").asText());
                }
            }
            checked++;
        }
        assertTrue(checked >= 12, "checked " + checked + " rows");
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Map<String, JsonNode> dims(Path file) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode l : jsonLines(file)) {
            out.put(l.get("key").asText(), l.get("row"));
        }
        return out;
    }

    @Test
    void fromEventsDraftsTheSpecWritesItAndScaffoldsFromIt() throws Exception {
        Path out = tmp.resolve("wb");
        CliRun r =
                CliRun.of(
                        "scaffold",
                        "--from-events",
                        "../scripts-examples/wrongbook/events/sample.jsonl",
                        "--domain",
                        "wrongbook",
                        "--out",
                        out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(
                r.out()
                        .contains(
                                "guessed: event type wrongbook_fix (58 events): wrongbookId (string), userId"
                                        + " (string), questionId (string), fixMethod (string), addTime (integer,"
                                        + " optional)"),
                r.toString());
        assertTrue(Files.isRegularFile(out.resolve("wrongbook.spec.json")));
        CliRun test = CliRun.of("test", out.toString());
        assertEquals(0, test.exitCode(), test.toString());
        assertEquals(
                List.of(
                        "ok   events/input.jsonl (200 events, 200 output lines)",
                        "ok   events/sample.jsonl (" + (test.outLines().get(1).split("[(]")[1]),
                        "2 golden files: 2 passed, 0 failed"),
                test.outLines());
    }

    @Test
    void testNeedsADomainFolder() {
        CliRun r = CliRun.of("test", tmp.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(
                "error: "
                        + tmp
                        + " is not a domain folder: it has no rules/rules.json (see 'rulecast scaffold')",
                r.err().strip());
    }

    @Test
    void theWrongbookExamplePassesTest() {
        CliRun r = CliRun.of("test", "../scripts-examples/wrongbook");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("ok   events/sample.jsonl (200 events, "), r.toString());
    }
}
