package io.rulecast.cli.scaffold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rulecast.event.Json;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Bad specs fail with one line naming the JSON path and the fix. Each test breaks one thing in a
 * small valid spec.
 */
class SpecReaderTest {
    static final String SMALL =
            """
            {"domain": "shop",
             "events": [
               {"type": "order_paid", "fields": [
                 {"name": "orderId", "type": "string", "required": true},
                 {"name": "amount", "type": "number", "required": true},
                 {"name": "channel", "type": "string"}]}],
             "wideTable": {"name": "dwd_order_wide", "primaryKey": ["order_id"], "columns": [
               {"name": "order_id", "type": "VARCHAR(64)", "from": {"*": {"payload": "orderId"}}},
               {"name": "amount", "type": "DECIMAL(12,2)", "from": {"order_paid": {"payload": "amount"}}}]},
             "alerts": [{"name": "big", "on": "order_paid", "when": "amount > 100", "message": "big {amount}"}]}
            """;

    static String broken(Consumer<ObjectNode> change) {
        try {
            ObjectNode root = (ObjectNode) Json.MAPPER.readTree(SMALL);
            change.accept(root);
            return Json.MAPPER.writeValueAsString(root);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String error(String spec) {
        return assertThrows(SpecException.class, () -> SpecReader.read(spec)).getMessage();
    }

    static ObjectNode column(ObjectNode root, int i) {
        return (ObjectNode) root.get("wideTable").get("columns").get(i);
    }

    @Test
    void theSmallSpecIsValid() {
        DomainSpec spec = SpecReader.read(SMALL);
        assertEquals("payload.orderId", spec.keyPath());
        assertEquals(1, spec.alerts().size());
    }

    @Test
    void anUnknownSqlTypeNamesThePathAndTheTypesThereAre() {
        assertEquals(
                "$.wideTable.columns[1].type: unknown SQL type 'MONEY' — use one of VARCHAR(n), CHAR(n),"
                        + " TEXT, TINYINT, SMALLINT, INT, BIGINT, DECIMAL(p,s), DOUBLE, BOOLEAN, DATE,"
                        + " DATETIME, TIMESTAMP(3), JSON",
                error(broken(r -> column(r, 1).put("type", "MONEY"))));
    }

    @Test
    void anUnknownJsonTypeNamesTheField() {
        assertEquals(
                "$.events[0].fields[1].type: unknown JSON type 'float' — use string, integer, number,"
                        + " boolean, object or array",
                error(broken(r -> ((ObjectNode) r.at("/events/0/fields/1")).put("type", "float"))));
    }

    @Test
    void aColumnWithNoSourceSaysWhereToPutOne() {
        assertEquals(
                "$.wideTable.columns[1].from: column amount has no source — say where its value comes"
                        + " from per event type, e.g. {\"order_paid\": {\"payload\": \"…\"}} or {\"*\":"
                        + " {\"const\": …}}",
                error(broken(r -> column(r, 1).remove("from"))));
    }

    @Test
    void aPrimaryKeyThatIsNotAColumn() {
        assertEquals(
                "$.wideTable.primaryKey[0]: primary-key column 'order_no' is not a column of"
                        + " dwd_order_wide — add it to $.wideTable.columns, or name one of order_id,"
                        + " amount",
                error(
                        broken(
                                r ->
                                        ((ObjectNode) r.get("wideTable"))
                                                .putArray("primaryKey")
                                                .add("order_no"))));
    }

    @Test
    void aNameThatIsNotAnIdentifier() {
        assertEquals(
                "$.wideTable.columns[1].name: 'paid amount' is not a valid identifier — use letters,"
                        + " digits and _ (not first), at most 64 characters, e.g. paid_amount",
                error(broken(r -> column(r, 1).put("name", "paid amount"))));
        assertEquals(
                "$.wideTable.name: 'dwd-order' is not a valid identifier — use letters, digits and _"
                        + " (not first), at most 64 characters, e.g. dwd_order",
                error(broken(r -> ((ObjectNode) r.get("wideTable")).put("name", "dwd-order"))));
    }

    @Test
    void aPayloadFieldTheEventTypeDoesNotHave() {
        assertEquals(
                "$.wideTable.columns[1].from.order_paid.payload: event type order_paid has no payload"
                        + " field 'amout' — declare it in its fields, or use one of orderId, amount,"
                        + " channel",
                error(
                        broken(
                                r ->
                                        ((ObjectNode) column(r, 1).get("from").get("order_paid"))
                                                .put("payload", "amout"))));
    }

    @Test
    void aSourceThatDoesNotFitItsColumn() {
        assertEquals(
                "$.wideTable.columns[1].from.order_paid: column amount is INT but this source gives a"
                        + " number — use a DECIMAL or DOUBLE column (or declare the field \"integer\")",
                error(broken(r -> column(r, 1).put("type", "INT"))));
    }

    @Test
    void aKeyThatMayBeNull() {
        assertEquals(
                "$.wideTable.columns[0].from.*: primary-key column 'order_id' may be null for event"
                        + " type order_paid — take it from a required payload field, or add an orElse"
                        + " that is never null",
                error(
                        broken(
                                r ->
                                        ((ObjectNode) column(r, 0).get("from").get("*"))
                                                .put("payload", "channel"))));
    }

    @Test
    void aConditionThatDoesNotType() {
        assertEquals(
                "$.alerts[0].when: 'amount > 'x'': '>' orders two numbers or two strings, got a number"
                        + " and a string",
                error(
                        broken(
                                r ->
                                        ((ObjectNode) r.get("alerts").get(0))
                                                .put("when", "amount > 'x'"))));
        assertEquals(
                "$.alerts[0].when: cannot read 'amount = 5': unexpected '=' at column 8 — compare with"
                        + " ==",
                error(
                        broken(
                                r ->
                                        ((ObjectNode) r.get("alerts").get(0))
                                                .put("when", "amount = 5"))));
        assertEquals(
                "$.alerts[0].message: unknown name 'amout' for event type order_paid — use a payload"
                        + " field or a column its rule fills (orderId, amount, channel, order_id,"
                        + " amount), or event.type, event.eventId, event.timestamp",
                error(
                        broken(
                                r ->
                                        ((ObjectNode) r.get("alerts").get(0))
                                                .put("message", "big {amout}"))));
    }

    @Test
    void aTypoInAKeyIsNamed() {
        assertEquals(
                "$.wideTable.colums: unknown key 'colums' — use one of name, description, primaryKey,"
                        + " columns",
                error(
                        broken(
                                r ->
                                        ((ObjectNode) r.get("wideTable"))
                                                .set(
                                                        "colums",
                                                        r.get("wideTable").get("columns")))));
    }

    @Test
    void notJsonAtAll() {
        assertEquals(
                "$: not JSON: Unexpected character ('}' (code 125)): was expecting double-quote to"
                        + " start field name",
                error("{\"domain\": \"x\",}"));
    }
}
