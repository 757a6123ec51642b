package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rules of two event types fill different columns of the same wide-table rows. */
class WideTableITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final long T0 = 1_763_800_000_000L;

    @Test
    void twoEventTypesFillOneWideRow() throws Exception {
        DB.execute(
                "CREATE TABLE order_wide (order_id VARCHAR(32) PRIMARY KEY,"
                        + " amount DECIMAL(10,2), customer VARCHAR(32),"
                        + " paid_by VARCHAR(16), paid_at BIGINT)");
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("sink.tables.allowed", "order_wide");
            job.rules.insert(
                    "shop",
                    "order_created",
                    "main",
                    "groovy",
                    "def p = event.payload\n"
                            + "return [order_id: p.orderId, amount: p.amount, customer: p.customer]",
                    "{\"output_table\": \"order_wide\"}",
                    0);
            job.rules.insert(
                    "shop",
                    "order_paid",
                    "main",
                    "groovy",
                    "ctx.upsert('order_wide', [order_id: event.payload.orderId,"
                            + " paid_by: event.payload.method, paid_at: event.timestamp])\n"
                            + "return null",
                    null,
                    0);
            job.start();

            List<Map<String, Object>> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String order = "o-" + i;
                String created =
                        event(
                                "c-" + i,
                                "shop",
                                "order_created",
                                T0 + i,
                                Map.of(
                                        "orderId",
                                        order,
                                        "amount",
                                        new BigDecimal(i * 10 + ".5"),
                                        "customer",
                                        "u-" + i));
                String paid =
                        event(
                                "p-" + i,
                                "shop",
                                "order_paid",
                                T0 + 100 + i,
                                Map.of("orderId", order, "method", i % 2 == 0 ? "card" : "cash"));
                // Half the orders are paid "before" they are created: the row fills up either way.
                if (i % 2 == 0) {
                    job.send(order, created);
                    job.send(order, paid);
                } else {
                    job.send(order, paid);
                    job.send(order, created);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("order_id", order);
                row.put("amount", new BigDecimal(i * 10 + ".50"));
                row.put("customer", "u-" + i);
                row.put("paid_by", i % 2 == 0 ? "card" : "cash");
                row.put("paid_at", T0 + 100 + i);
                expected.add(row);
            }

            List<Map<String, Object>> actual = List.of();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                actual = DB.query("SELECT * FROM order_wide ORDER BY order_id");
                if (actual.equals(expected)) {
                    break;
                }
                JobFixture.sleep(200);
            }
            assertEquals(expected, actual);
            assertEquals(List.of(), job.dlq().all(), "no event was rejected");
        }
    }
}
