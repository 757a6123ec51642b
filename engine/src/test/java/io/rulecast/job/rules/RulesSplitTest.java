package io.rulecast.job.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RulesSplitTest {
    private final RulesSplit.Serializer serializer = new RulesSplit.Serializer();

    @Test
    void theEmittedRowsSurviveACheckpointLongScriptsAndNullsIncluded() throws Exception {
        RoutingRow big =
                new RoutingRow(
                        7,
                        "shop",
                        "order",
                        "main",
                        "groovy",
                        "x".repeat(200_000),
                        null,
                        true,
                        5,
                        42);
        RoutingRow disabled =
                new RoutingRow(9, "shop", "pay", "audit", "js", "return null;", "{}", false, 0, 0);
        RulesSplit split = RulesSplit.emitted(List.of(big, disabled));
        RulesSplit back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
        assertTrue(back.hasState());
        assertEquals(List.of(big, disabled), back.emittedRows());
        assertEquals("routing_configs", back.splitId());
    }

    @Test
    void aFreshSplitAndOneOfTheStatelessVersionReadBackAsFresh() throws Exception {
        RulesSplit fresh =
                serializer.deserialize(
                        serializer.getVersion(), serializer.serialize(RulesSplit.FRESH));
        assertFalse(fresh.hasState());
        assertNull(fresh.emittedRows());
        assertFalse(serializer.deserialize(1, new byte[0]).hasState());
    }

    @Test
    void anEmptyTableIsStateToo() throws Exception {
        RulesSplit empty = RulesSplit.emitted(List.of());
        RulesSplit back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(empty));
        assertTrue(back.hasState(), "a restored reader that had read an empty table");
        assertEquals(List.of(), back.emittedRows());
    }

    @Test
    void restoredSnapshotsYieldOnlyWhatChangedDeletesIncluded() {
        RoutingRow a = new RoutingRow(1, "shop", "a", "main", "groovy", "1", null, true, 0, 1);
        RoutingRow b = new RoutingRow(2, "shop", "b", "main", "groovy", "2", null, true, 0, 1);
        RuleSnapshots restored = new RuleSnapshots(List.of(a, b));
        assertEquals(List.of(RuleChange.delete(b)), restored.next(List.of(a)));
    }
}
