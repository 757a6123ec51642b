package io.rulecast.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CanarySplitTest {
    private static final String RULE = "wrongbook/wrongbook_add/main";

    @Test
    void servesCloseToThePercentOfKeys() {
        for (double p : new double[] {1, 10, 33.33, 50, 90}) {
            int served = 0;
            int keys = 20_000;
            for (int i = 0; i < keys; i++) {
                if (CanarySplit.servesCandidate(RULE, "u-" + i, p)) {
                    served++;
                }
            }
            double share = 100.0 * served / keys;
            assertTrue(Math.abs(share - p) < 1.0, "percent " + p + " served " + share + " %");
        }
    }

    @Test
    void raisingThePercentOnlyAddsKeysAndTheEndsAreExact() {
        for (int i = 0; i < 5_000; i++) {
            String key = String.valueOf(i);
            if (CanarySplit.servesCandidate(RULE, key, 10)) {
                assertTrue(CanarySplit.servesCandidate(RULE, key, 50), key);
            }
            assertFalse(CanarySplit.servesCandidate(RULE, key, 0), key);
            assertTrue(CanarySplit.servesCandidate(RULE, key, 100), key);
        }
    }

    @Test
    void theSameKeyAlwaysLandsInTheSameBucketAndRulesAreSaltedApart() {
        assertEquals(CanarySplit.bucket(RULE, "u-7"), CanarySplit.bucket(RULE, "u-7"));
        int same = 0;
        for (int i = 0; i < 1_000; i++) {
            if (CanarySplit.bucket(RULE, "u-" + i) == CanarySplit.bucket("d/t/other", "u-" + i)) {
                same++;
            }
        }
        assertTrue(same < 10, same + " of 1000 keys share their bucket across two rules");
    }
}
