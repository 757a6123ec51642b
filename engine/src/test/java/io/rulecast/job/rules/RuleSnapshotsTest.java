package io.rulecast.job.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSnapshotsTest {
    private final RuleSnapshots snapshots = new RuleSnapshots();

    @Test
    void firstReadEmitsEveryRow() {
        RoutingRow a = row(1, "return null", true, 1000);
        RoutingRow b = row(2, "return null", false, 1000);
        assertEquals(
                List.of(RuleChange.upsert(a), RuleChange.upsert(b)), snapshots.next(List.of(a, b)));
    }

    @Test
    void unchangedRowsEmitNothing() {
        RoutingRow a = row(1, "return null", true, 1000);
        snapshots.next(List.of(a));
        assertEquals(List.of(), snapshots.next(List.of(row(1, "return null", true, 1000))));
    }

    @Test
    void anUpdateDisableAndDeleteAreSeen() {
        RoutingRow a = row(1, "return null", true, 1000);
        RoutingRow b = row(2, "return null", true, 1000);
        RoutingRow c = row(3, "return null", true, 1000);
        snapshots.next(List.of(a, b, c));

        RoutingRow a2 = row(1, "return [:]", true, 1000); // same second, new script
        RoutingRow b2 = row(2, "return null", false, 2000);
        assertEquals(
                List.of(RuleChange.upsert(a2), RuleChange.upsert(b2), RuleChange.delete(c)),
                snapshots.next(List.of(a2, b2)));
        assertEquals(2, snapshots.size());
    }

    @Test
    void aRowThatComesBackIsUpsertedAgain() {
        RoutingRow a = row(1, "return null", true, 1000);
        snapshots.next(List.of(a));
        snapshots.next(List.of());
        assertEquals(List.of(RuleChange.upsert(a)), snapshots.next(List.of(a)));
    }

    @Test
    void versionFollowsTheSpecFormula() {
        RoutingRow r =
                new RoutingRow(1, "d", "t", "main", "groovy", "return null", null, true, 0, 0);
        assertEquals(io.rulecast.runtime.VersionHash.of("groovy", "return null", ""), r.version());
        assertEquals(r.toDefinition().version(), r.version());
    }

    private static RoutingRow row(long id, String script, boolean enabled, long updated) {
        return new RoutingRow(
                id,
                "wrongbook",
                "wrongbook_add",
                "r" + id,
                "groovy",
                script,
                "{}",
                enabled,
                0,
                updated);
    }
}
