package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.sink.TableWrite.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpsertPlanTest {
    private static final Map<String, List<String>> KEYS =
            Map.of("wide", List.of("id"), "other", List.of("k1", "k2"));

    private static TableWrite upsert(String table, Object... kv) {
        return write(Kind.UPSERT, table, kv);
    }

    private static TableWrite delete(String table, Object... kv) {
        return write(Kind.DELETE, table, kv);
    }

    private static TableWrite write(Kind kind, String table, Object... kv) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            row.put((String) kv[i], kv[i + 1]);
        }
        return new TableWrite(kind, table, row, "d/e/r", "v1", "e-1", 0L);
    }

    private static List<UpsertPlan.Batch> plan(TableWrite... writes) {
        return UpsertPlan.of(List.of(writes), KEYS::get);
    }

    /** The writes in the order the plan runs them. */
    private static List<TableWrite> executionOrder(List<UpsertPlan.Batch> plan) {
        List<TableWrite> out = new ArrayList<>();
        plan.forEach(b -> out.addAll(b.writes()));
        return out;
    }

    @Test
    void rowsNamingTheSameColumnsInAnyOrderShareOneBatch() {
        TableWrite a = upsert("wide", "id", 1, "x", "a", "y", 1);
        TableWrite b = upsert("wide", "y", 2, "id", 2, "x", "b");
        List<UpsertPlan.Batch> plan = plan(a, b);
        assertEquals(1, plan.size());
        assertEquals(List.of("id", "x", "y"), plan.get(0).columns());
        assertEquals(List.of(a, b), plan.get(0).writes());
        assertEquals(List.of(2, "b", 2), List.of(plan.get(0).parameters(b)));
    }

    @Test
    void alternatingEventTypesOnDifferentRowsNeedOneBatchPerColumnSet() {
        List<TableWrite> writes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            writes.add(upsert("wide", "id", i, "a", i));
            writes.add(upsert("wide", "id", 100 + i, "b", i));
        }
        List<UpsertPlan.Batch> plan = UpsertPlan.of(writes, KEYS::get);
        assertEquals(2, plan.size());
        assertEquals(10, plan.get(0).writes().size());
        assertEquals(10, plan.get(1).writes().size());
    }

    @Test
    void alternatingEventTypesOnOneRowKeepTheirOrder() {
        TableWrite a1 = upsert("wide", "id", 1, "a", 1);
        TableWrite b1 = upsert("wide", "id", 1, "b", 1);
        TableWrite a2 = upsert("wide", "id", 1, "a", 2);
        List<UpsertPlan.Batch> plan = plan(a1, b1, a2);
        assertEquals(List.of(a1, b1, a2), executionOrder(plan));
        assertEquals(3, plan.size());
    }

    @Test
    void upsertDeleteUpsertOfOneKeyRunInOrderWhileOtherRowsStayBatched() {
        TableWrite up1 = upsert("wide", "id", 1, "a", "first");
        TableWrite other1 = upsert("wide", "id", 2, "a", "x");
        TableWrite del1 = delete("wide", "id", 1L); // a Long: still the same row as 1
        TableWrite other2 = upsert("wide", "id", 3, "a", "y");
        TableWrite up1again = upsert("wide", "id", "1", "a", "second");
        List<UpsertPlan.Batch> plan = plan(up1, other1, del1, other2, up1again);

        List<TableWrite> order = executionOrder(plan);
        assertEquals(true, order.indexOf(up1) < order.indexOf(del1));
        assertEquals(true, order.indexOf(del1) < order.indexOf(up1again));
        // Rows 2 and 3 ride in the first upsert batch, the delete and the re-insert follow.
        assertEquals(3, plan.size());
        assertEquals(List.of(up1, other1, other2), plan.get(0).writes());
        assertEquals(Kind.DELETE, plan.get(1).kind());
        assertEquals("DELETE FROM `wide` WHERE `id`=?", plan.get(1).sql());
        assertEquals(List.of(up1again), plan.get(2).writes());
    }

    @Test
    void aRowsLaterWriteJoinsALaterBatchOfItsShapeInsteadOfAddingOne() {
        TableWrite a1 = upsert("wide", "id", 1, "a", 1);
        TableWrite b1 = upsert("wide", "id", 1, "b", 1);
        TableWrite b2 = upsert("wide", "id", 2, "b", 2); // new row: joins b1's batch
        TableWrite a3 = upsert("wide", "id", 3, "a", 3); // new row: joins a1's batch
        List<UpsertPlan.Batch> plan = plan(a1, b1, b2, a3);
        assertEquals(2, plan.size());
        assertEquals(List.of(a1, a3), plan.get(0).writes());
        assertEquals(List.of(b1, b2), plan.get(1).writes());
    }

    @Test
    void anyMixOfWritesEndsInTheSameTableAsApplyingThemOneByOne() {
        java.util.Random random = new java.util.Random(20240501);
        String[] columns = {"a", "b", "c"};
        for (int round = 0; round < 200; round++) {
            List<TableWrite> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int id = random.nextInt(5);
                if (random.nextInt(6) == 0) {
                    writes.add(delete("wide", "id", id));
                } else {
                    List<Object> kv = new ArrayList<>(List.of("id", id));
                    for (String c : columns) {
                        if (random.nextBoolean()) {
                            kv.add(c);
                            kv.add(i);
                        }
                    }
                    writes.add(upsert("wide", kv.toArray()));
                }
            }
            List<UpsertPlan.Batch> plan = UpsertPlan.of(writes, KEYS::get);
            assertEquals(apply(writes), apply(executionOrder(plan)), "round " + round);
            assertEquals(writes.size(), executionOrder(plan).size());
        }
    }

    /** What MySQL ends with: upserts set the named columns, deletes remove the row. */
    private static Map<Object, Map<String, Object>> apply(List<TableWrite> writes) {
        Map<Object, Map<String, Object>> table = new java.util.TreeMap<>();
        for (TableWrite w : writes) {
            Object id = w.row().get("id");
            if (w.kind() == Kind.DELETE) {
                table.remove(id);
            } else {
                table.computeIfAbsent(id, k -> new java.util.TreeMap<>()).putAll(w.row());
            }
        }
        return table;
    }

    @Test
    void aRowLikeThePreviousOneInSizeOnlyGetsItsOwnShape() {
        TableWrite a = upsert("wide", "id", 1, "a", 1, "b", 1);
        TableWrite c = upsert("wide", "id", 2, "a", 2, "c", 2);
        TableWrite b = upsert("wide", "b", 3, "a", 3, "id", 3);
        TableWrite fewer = upsert("wide", "id", 4, "a", 4);
        TableWrite d1 = delete("wide", "id", 5);
        TableWrite d2 = delete("other", "k1", "x", "k2", "y");
        List<UpsertPlan.Batch> plan = plan(a, c, b, fewer, d1, d2);
        assertEquals(5, plan.size());
        assertEquals(List.of(3, 3, 3), List.of(plan.get(0).parameters(b)));
        assertEquals(List.of("a", "b", "id"), plan.get(0).columns());
        assertEquals(List.of(a, b), plan.get(0).writes());
        assertEquals(List.of("a", "c", "id"), plan.get(1).columns());
        assertEquals(List.of("a", "id"), plan.get(2).columns());
        assertEquals(List.of("id"), plan.get(3).columns());
        assertEquals("other", plan.get(4).table());
        assertEquals(List.of("k1", "k2"), plan.get(4).columns());
    }

    @Test
    void deletesBindTheKeyInKeyOrder() {
        TableWrite d = delete("other", "k2", "b", "k1", "a");
        List<UpsertPlan.Batch> plan = plan(d);
        assertEquals("DELETE FROM `other` WHERE `k1`=? AND `k2`=?", plan.get(0).sql());
        assertEquals(List.of("a", "b"), List.of(plan.get(0).parameters(d)));
    }

    @Test
    void tablesAreBatchedSeparately() {
        List<UpsertPlan.Batch> plan =
                plan(
                        upsert("wide", "id", 1, "a", 1),
                        upsert("other", "k1", 1, "k2", 1, "a", 1),
                        upsert("wide", "id", 2, "a", 2));
        assertEquals(2, plan.size());
        assertEquals("wide", plan.get(0).table());
        assertEquals(2, plan.get(0).writes().size());
        assertEquals("other", plan.get(1).table());
    }
}
