package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.output.Messages;
import io.rulecast.routing.DeadLetterReason;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile rules — endless loops and memory bombs, in Groovy and in JavaScript — are pushed with
 * plain SQL while the wrongbook stream flows. Their events go to the dead-letter topic with the
 * bound they broke; no other event does, and the wrongbook rules' tables are complete and exact.
 */
class HostileRuleITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * Event type, language, script, the bound that must be seen stopping it, and the other reasons
     * its dead letters may carry.
     */
    private record Hostile(
            String type, String language, String script, String stoppedBy, Set<String> reasons) {
        String rule() {
            return "wrongbook/" + type + "/main";
        }
    }

    private static final Set<String> TIME = Set.of("TIMEOUT");

    /**
     * A version's first three runs get five times the time and four times the memory (cold start):
     * a memory bomb that is slow to fill 4 × {@code script.memory.limit} on a busy machine may hit
     * the cold time bound first. Later runs must be stopped by the memory bound, and the test sends
     * bomb events until one is.
     */
    private static final Set<String> MEMORY_OR_COLD_TIME = Set.of("MEMORY_LIMIT", "TIMEOUT");

    private static final List<Hostile> HOSTILE =
            List.of(
                    new Hostile(
                            "loop_groovy",
                            "groovy",
                            "while (true) {}\nreturn null",
                            "TIMEOUT",
                            TIME),
                    new Hostile("loop_js", "js", "while (true) {}\nreturn null;", "TIMEOUT", TIME),
                    // 8 MB a step, so the bound is reached in a few steps rather than hundreds.
                    new Hostile(
                            "bomb_groovy",
                            "groovy",
                            "def l = []\nwhile (true) { l << 'abcdefgh' * 1000000 }",
                            "MEMORY_LIMIT",
                            MEMORY_OR_COLD_TIME),
                    new Hostile(
                            "bomb_js",
                            "js",
                            "const a = [];\nfor (;;) { a.push('abcdefgh'.repeat(1000000) + a.length); }",
                            "MEMORY_LIMIT",
                            MEMORY_OR_COLD_TIME));

    @Test
    void hostileRulesOnlyDeadLetterTheirOwnEvents() throws Exception {
        WrongbookWorkload workload = new WrongbookWorkload(3000);
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            // Shorter than the fixture's 1 s (a version's first runs get five times as long), so
            // the endless loops end soon; long enough that the wrongbook rules never hit it on a
            // busy machine.
            job.set("script.timeout", "500 ms");
            // Hostile events sent before their rule is live are dead-lettered too (NO_RULE), so
            // every hostile event is accounted for.
            job.set("events.unrouted.dead-letter", "true");
            WrongbookWorkload.install(job);
            job.start();
            List<String> hostileIds = new ArrayList<>();
            try (WrongbookWorkload.Producer producer = workload.produce(job, 250)) {
                WrongbookWorkload.awaitLogRows(DB, 300, WAIT);
                for (Hostile h : HOSTILE) {
                    job.rules.insert(
                            "wrongbook", h.type(), "main", h.language(), h.script(), null, 0);
                }
                for (Hostile h : HOSTILE) {
                    // One key per rule: one routing instance pays for its slow first runs.
                    // Events until the rule was stopped three times, the last by its own bound.
                    int stopped = 0;
                    String last = null;
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    for (int i = 0; stopped < 3 || !h.stoppedBy().equals(last); i++) {
                        assertTrue(
                                System.nanoTime() < deadline,
                                h.rule() + " was not stopped by " + h.stoppedBy() + " in " + WAIT);
                        String id = "hostile-" + h.type() + "-" + i;
                        hostileIds.add(id);
                        job.send("hostile-" + h.type(), event(id, "wrongbook", h.type(), Map.of()));
                        TopicWatcher.Received r =
                                job.dlq().await(x -> id.equals(eventIdOf(x)), WAIT);
                        last = r.header(Messages.HEADER_REASON);
                        if (!DeadLetterReason.NO_RULE.name().equals(last)) {
                            stopped++;
                        }
                    }
                }
                producer.awaitAll(WAIT);
            }
            try {
                workload.awaitExactTables(DB, WAIT);
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage()
                                + "\ndead letters of other events: "
                                + job.dlq().matching(r -> !hostileIds.contains(eventIdOf(r))),
                        e);
            }

            // The fixture's start-up probes may come before the probe rule is live.
            List<TopicWatcher.Received> dead =
                    job.dlq()
                            .matching(
                                    r ->
                                            !(eventIdOf(r).startsWith("probe-")
                                                    && DeadLetterReason.NO_RULE
                                                            .name()
                                                            .equals(
                                                                    r.header(
                                                                            Messages
                                                                                    .HEADER_REASON))));
            for (TopicWatcher.Received r : dead) {
                String eventId = eventIdOf(r);
                assertTrue(hostileIds.contains(eventId), "only hostile events are dead: " + r);
                Hostile h =
                        HOSTILE.stream()
                                .filter(x -> eventId.startsWith("hostile-" + x.type() + "-"))
                                .findFirst()
                                .orElseThrow();
                String reason = r.header(Messages.HEADER_REASON);
                if (!reason.equals(DeadLetterReason.NO_RULE.name())) {
                    assertEquals(h.rule(), r.header(Messages.HEADER_RULE), r.toString());
                    assertTrue(
                            h.reasons().contains(reason) || reason.equals(Messages.CIRCUIT_OPEN),
                            h.rule() + " dead-letters with " + h.reasons() + ": " + r);
                }
            }
            assertEquals(
                    hostileIds.size(),
                    dead.size(),
                    "each hostile event is dead-lettered once: " + dead);
            for (Hostile h : HOSTILE) {
                assertTrue(
                        dead(job, h).stream()
                                .anyMatch(
                                        r ->
                                                h.stoppedBy()
                                                        .equals(r.header(Messages.HEADER_REASON))),
                        h.rule() + " was stopped by " + h.stoppedBy());
            }
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }

    private static String eventIdOf(TopicWatcher.Received r) {
        return r.header(Messages.HEADER_EVENT_ID);
    }

    private static List<TopicWatcher.Received> dead(JobFixture job, Hostile h) {
        return job.dlq().matching(r -> h.rule().equals(r.header(Messages.HEADER_RULE)));
    }
}
