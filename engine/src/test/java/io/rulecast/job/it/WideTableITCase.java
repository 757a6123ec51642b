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

/**
 * Rules of two event types, one in Groovy and one in JavaScript, fill different columns of the same
 * wide-table rows, using a dimension table (ctx.dim) and keyed state (ctx.state) on the way.
 */
class WideTableITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final long T0 = 1_763_800_000_000L;

    @Test
    void twoEventTypesFillOneWideRow() throws Exception {
        DB.execute(
                "CREATE TABLE order_wide (order_id VARCHAR(32) PRIMARY KEY,"
                        + " amount DECIMAL(10,2), customer VARCHAR(32), tier VARCHAR(16),"
                        + " paid_by VARCHAR(16), paid_at BIGINT, seen_before_paid INT)",
                "CREATE TABLE customers (id VARCHAR(32) PRIMARY KEY, tier VARCHAR(16))",
                "INSERT INTO customers VALUES ('u-0','gold'),('u-1','silver'),('u-2','gold')");
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.set("sink.tables.allowed", "order_wide")
                    .set("dims.customer.table", "customers")
                    .set("dims.customer.key-column", "id");
            job.rules.insert(
                    "shop",
                    "order_created",
                    "main",
                    "groovy",
                    "def p = event.payload\n"
                            + "ctx.state.incr('seen', 1)\n"
                            + "def c = ctx.dim('customer', p.customer)\n"
                            + "return [order_id: p.orderId, amount: p.amount, customer: p.customer,"
                            + " tier: c == null ? 'none' : c.tier]",
                    "{\"output_table\": \"order_wide\"}",
                    0);
            // The other event type's rule is JavaScript: both engines fill the same rows.
            job.rules.insert(
                    "shop",
                    "order_paid",
                    "main",
                    "js",
                    "const seen = ctx.state.get('seen') || 0;\n"
                            + "ctx.upsert('order_wide', {order_id: event.payload.orderId,"
                            + " paid_by: event.payload.method, paid_at: event.timestamp,"
                            + " seen_before_paid: seen});\n"
                            + "return null;",
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
                row.put("tier", i == 1 ? "silver" : i % 2 == 0 && i < 3 ? "gold" : "none");
                row.put("paid_by", i % 2 == 0 ? "card" : "cash");
                row.put("paid_at", T0 + 100 + i);
                // ctx.state is per Kafka key (the order): "created" was seen first for even orders.
                row.put("seen_before_paid", i % 2 == 0 ? 1 : 0);
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
