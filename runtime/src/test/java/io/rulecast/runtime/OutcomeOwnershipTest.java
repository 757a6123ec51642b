package io.rulecast.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A successful outcome takes its context's lists without copying them; nothing may change them
 * afterwards, neither through the outcome nor through the context.
 */
class OutcomeOwnershipTest {

    @Test
    void aContextRefusesOutputsOnceItsOutcomeIsHandedOut() {
        RuleContext ctx = new RuleContext(null, null, null, 10);
        ctx.upsert("t", Map.of("k", 1));
        Outcome o = ctx.success(5L);

        ScriptFailure f = assertThrows(ScriptFailure.class, () -> ctx.upsert("t", Map.of("k", 2)));
        assertEquals(FailureReason.SCRIPT_ERROR, f.toFailure().reason());
        assertThrows(ScriptFailure.class, () -> ctx.metric("m", 1));
        assertThrows(ScriptFailure.class, () -> ctx.log("late"));

        assertEquals(List.of(new Emission.Upsert("t", Map.of("k", 1))), o.emissions());
        assertEquals(List.of(), o.logs());
    }

    @Test
    void theOutcomesListsCannotBeChanged() {
        RuleContext ctx = new RuleContext(null, null, null, 10);
        ctx.upsert("t", Map.of("k", 1));
        Outcome o = ctx.success(5L);

        assertThrows(
                UnsupportedOperationException.class,
                () -> o.emissions().add(new Emission.Upsert("t", Map.of("k", 3))));
        assertThrows(UnsupportedOperationException.class, () -> o.emissions().clear());
        assertThrows(UnsupportedOperationException.class, () -> o.logs().add("x"));
        assertEquals(1, o.emissions().size());
    }
}
