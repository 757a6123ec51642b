package io.rulecast.cli.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pieces of {@code rollout status} and {@code status} that read the job's rollout numbers. */
class RolloutCountsTest {
    private static byte[] record(String rule, String candidateVersion) {
        return ("{\"rule\":\""
                        + rule
                        + "\",\"eventId\":\"e7\",\"liveVersion\":\"aaa\",\"candidateVersion\":\""
                        + candidateVersion
                        + "\",\"live\":[{\"eventId\":\"e7\",\"kind\":\"upsert\",\"row\":{\"n\":1}}],"
                        + "\"candidate\":[{\"eventId\":\"e7\",\"kind\":\"upsert\",\"row\":{\"n\":2}}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aShadowRecordOfTheRuleAndCandidateIsASample() {
        ShadowSamples.Sample s = ShadowSamples.parse(record("d/t/main", "bbb"), "d/t/main", "bbb");
        assertEquals("e7", s.eventId());
        assertEquals("bbb", s.candidateVersion());
        assertEquals("[{\"eventId\":\"e7\",\"kind\":\"upsert\",\"row\":{\"n\":1}}]", s.live());
        assertEquals("[{\"eventId\":\"e7\",\"kind\":\"upsert\",\"row\":{\"n\":2}}]", s.candidate());
        // Any candidate when none is asked for.
        assertEquals(
                "e7", ShadowSamples.parse(record("d/t/main", "bbb"), "d/t/main", null).eventId());
    }

    @Test
    void otherRulesOtherCandidatesAndGarbageAreSkipped() {
        assertNull(ShadowSamples.parse(record("d/t/other", "bbb"), "d/t/main", "bbb"));
        assertNull(ShadowSamples.parse(record("d/t/main", "old"), "d/t/main", "bbb"));
        assertNull(
                ShadowSamples.parse("not json".getBytes(StandardCharsets.UTF_8), "d/t/main", null));
        assertNull(ShadowSamples.parse("[1,2]".getBytes(StandardCharsets.UTF_8), "d/t/main", null));
        assertNull(ShadowSamples.parse(null, "d/t/main", null));
    }

    @Test
    void candidateStatesHaveTheDashboardsNames() {
        String[] names = {"none", "shadow", "canary", "ABORTED", "NOT COMPILED"};
        for (int state = 0; state < names.length; state++) {
            assertEquals(names[state], new StatusReader.Candidate(state, 0, 0, 0, 0).stateName());
        }
    }
}
