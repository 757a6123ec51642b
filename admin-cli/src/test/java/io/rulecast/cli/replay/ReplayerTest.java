package io.rulecast.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayerTest {
    private static final String CONFIG = "{\"output_table\":\"t\"}";

    private static String event(String id, String type, String user) {
        return "{\"eventId\":\""
                + id
                + "\",\"domain\":\"d\",\"type\":\""
                + type
                + "\",\"timestamp\":1,\"payload\":{\"userId\":\""
                + user
                + "\"}}";
    }

    private static RuleDefinition rule(String name, int priority, String script) {
        return new RuleDefinition(
                new RuleId("d", "add", name), Language.GROOVY, script, CONFIG, priority, true);
    }

    @Test
    void rulesRunByPriorityThenNameAndOnlyOnTheirEventType() {
        List<RuleDefinition> rules =
                List.of(
                        rule("low", 1, "[r: 'low']"),
                        rule("b", 5, "[r: 'b']"),
                        rule("a", 5, "[r: 'a']"),
                        new RuleDefinition(
                                new RuleId("d", "add", "off"),
                                Language.GROOVY,
                                "[r: 'off']",
                                CONFIG,
                                9,
                                false));
        try (Replayer r = new Replayer(rules, RuntimeOptions.defaults(), null, null)) {
            List<String> out =
                    r.replayAll(List.of(event("e-1", "add", "u"), event("e-2", "other", "u")));
            assertEquals(
                    List.of(
                            "{\"eventId\":\"e-1\",\"rule\":\"d/add/a\",\"kind\":\"upsert\",\"table\":\"t\",\"row\":{\"r\":\"a\"}}",
                            "{\"eventId\":\"e-1\",\"rule\":\"d/add/b\",\"kind\":\"upsert\",\"table\":\"t\",\"row\":{\"r\":\"b\"}}",
                            "{\"eventId\":\"e-1\",\"rule\":\"d/add/low\",\"kind\":\"upsert\",\"table\":\"t\",\"row\":{\"r\":\"low\"}}"),
                    out);
            assertEquals(1, r.stats().unmatched);
        }
    }

    @Test
    void stateIsKeyedByTheKeyPathAndSurvivesAcrossEvents() {
        List<RuleDefinition> rules = List.of(rule("main", 0, "[n: ctx.state.incr('n', 1)]"));
        List<String> events =
                List.of(
                        event("e-1", "add", "u-1"),
                        event("e-2", "add", "u-1"),
                        event("e-3", "add", "u-2"));
        try (Replayer byUser =
                        new Replayer(rules, RuntimeOptions.defaults(), null, "payload.userId");
                Replayer byEvent = new Replayer(rules, RuntimeOptions.defaults(), null, null)) {
            assertEquals(List.of(1L, 2L, 1L), counts(byUser.replayAll(events)));
            assertEquals(List.of(1L, 1L, 1L), counts(byEvent.replayAll(events)));
        }
    }

    @Test
    void aRuleThatDoesNotCompileFailsEachOfItsEventsWithCompileError() {
        List<RuleDefinition> rules =
                List.of(rule("broken", 0, "def x = (1 +"), rule("ok", 0, "[ok: true]"));
        try (Replayer r = new Replayer(rules, RuntimeOptions.defaults(), null, null)) {
            assertEquals(1, r.compileErrors().size());
            List<String> out = r.replayAll(List.of(event("e-1", "add", "u")));
            assertEquals(2, out.size());
            assertTrue(
                    out.get(0)
                            .startsWith(
                                    "{\"eventId\":\"e-1\",\"rule\":\"d/add/broken\",\"kind\":\"failure\",\"reason\":\"COMPILE_ERROR\""),
                    out.get(0));
            assertEquals(1, r.stats().failures);
        }
    }

    @Test
    void rejectedInputsKeepTheirEventIdWhenTheyHaveOne() {
        try (Replayer r = new Replayer(List.of(), RuntimeOptions.defaults(), null, null)) {
            List<String> out =
                    r.replayAll(List.of("[1]", "{\"eventId\":\"e-7\",\"domain\":\"d\"}"));
            assertTrue(
                    out.get(0)
                            .startsWith(
                                    "{\"eventId\":null,\"kind\":\"rejected\",\"reason\":\"WRONG_TYPE\""),
                    out.get(0));
            assertTrue(
                    out.get(1)
                            .startsWith(
                                    "{\"eventId\":\"e-7\",\"kind\":\"rejected\",\"reason\":\"MISSING_FIELD\""),
                    out.get(1));
        }
    }

    @Test
    void aMissingKeyIsRejectedAsTheJobDeadLettersItAndListsAndNumbersKeyAsInTheJob() {
        List<RuleDefinition> rules = List.of(rule("main", 0, "[n: ctx.state.incr('n', 1)]"));
        String head = "{\"domain\":\"d\",\"type\":\"add\",\"timestamp\":1,\"eventId\":";
        try (Replayer r = new Replayer(rules, RuntimeOptions.defaults(), null, "payload.who.0")) {
            List<String> out =
                    r.replayAll(
                            List.of(
                                    head + "\"e-0\",\"payload\":{\"who\":[8]}}",
                                    head + "\"e-1\",\"payload\":{\"who\":[7]}}",
                                    head + "\"e-2\",\"payload\":{\"who\":[7.0]}}",
                                    head + "\"e-3\",\"payload\":{\"who\":[]}}"));
            // Before the routing core replay could not index the list: all three shared the key ""
            // (1, 2, 3), and e-3 ran under it too instead of being rejected.
            assertEquals(List.of(1L, 1L, 2L), counts(out.subList(0, 3)));
            assertTrue(
                    out.get(3)
                            .startsWith(
                                    "{\"eventId\":\"e-3\",\"kind\":\"rejected\",\"reason\":\"NO_KEY\""),
                    out.get(3));
            assertEquals(1, r.stats().rejected);
        }
    }

    private static List<Long> counts(List<String> lines) {
        return lines.stream()
                .map(l -> Long.parseLong(l.replaceAll(".*\"n\":(\\d+).*", "$1")))
                .toList();
    }
}
