package io.rulecast.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.cli.status.StatusReader;
import org.junit.jupiter.api.Test;

/** The CANDIDATE column of {@code status} and the job line of {@code rollout status}. */
class RolloutColumnsTest {
    private static StatusReader.RuleSample rule(long processed, StatusReader.Candidate c) {
        return new StatusReader.RuleSample("d/t/main", processed, 0, 0, 0, "abc", c);
    }

    @Test
    void noCandidateLeavesTheColumnEmpty() {
        assertNull(StatusCommand.candidate(rule(10, StatusReader.Candidate.NONE)));
    }

    @Test
    void shadowShowsDifferingOfCompared() {
        assertEquals(
                "shadow 3/120 differ",
                StatusCommand.candidate(rule(120, new StatusReader.Candidate(1, 120, 3, 0, 0))));
        assertEquals(
                "shadow 3/120 differ, 2 failed",
                StatusCommand.candidate(rule(120, new StatusReader.Candidate(1, 120, 3, 2, 0))));
    }

    @Test
    void canaryShowsTheShareItServed() {
        assertEquals(
                "canary 25 served (10%)",
                StatusCommand.candidate(rule(250, new StatusReader.Candidate(2, 0, 0, 0, 25))));
    }

    @Test
    void anAbortedCandidateIsShoutedAndItsFailuresShown() {
        assertEquals(
                "ABORTED 2/30 differ, 9 failed",
                StatusCommand.candidate(rule(30, new StatusReader.Candidate(3, 30, 2, 9, 0))));
    }

    @Test
    void theJobLineOfRolloutStatusCountsEachMode() {
        String shadow =
                new RolloutView.JobCounts(null, 400, new StatusReader.Candidate(1, 400, 10, 1, 0))
                        .describe();
        assertEquals(
                "shadow — 400 events, shadow compared 400, differing 10 (2.5%), candidate failed 1",
                shadow);
        String canary =
                new RolloutView.JobCounts(null, 200, new StatusReader.Candidate(2, 0, 0, 0, 100))
                        .describe();
        assertEquals("canary — 200 events, canary served 100 (50.0%), candidate failed 0", canary);
        String aborted =
                new RolloutView.JobCounts(null, 50, new StatusReader.Candidate(3, 0, 0, 25, 0))
                        .describe();
        assertTrue(aborted.startsWith("ABORTED — 50 events"), aborted);
        assertTrue(aborted.contains("ROLLOUT_ABORTED"), aborted);
        assertEquals(
                "not reachable: x",
                new RolloutView.JobCounts("not reachable: x", 0, null).describe());
    }
}
