package io.rulecast.cli.scaffold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A draft spec from sample events: the wrongbook sample, and the shapes it does not have. */
class EventInferenceTest {
    static final Path WRONGBOOK_SAMPLE =
            Path.of("../scripts-examples/wrongbook/events/sample.jsonl");

    static Map<String, String> fields(EventType e) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : e.fields()) {
            out.put(f.path(), f.type().id() + (f.required() ? "" : "?"));
        }
        return out;
    }

    @Test
    void theWrongbookSampleGivesBothEventTypesWithTheirFieldsAndTypes() throws Exception {
        EventInference.Draft draft =
                EventInference.infer(
                        Files.readAllLines(WRONGBOOK_SAMPLE), "wrongbook", "sample.jsonl");
        DomainSpec spec = SpecReader.read(draft.specJson());
        assertEquals(
                Map.of(
                        "wrongbookId", "string",
                        "userId", "string",
                        "questionId", "string",
                        "subject", "string",
                        "addSource", "string"),
                fields(spec.event("wrongbook_add")));
        assertEquals(
                Map.of(
                        "wrongbookId", "string",
                        "userId", "string",
                        "questionId", "string",
                        "fixMethod", "string",
                        "addTime", "integer?"),
                fields(spec.event("wrongbook_fix")));
        assertEquals(
                List.of("wrongbook_add", "wrongbook_fix", "wrongbook_review"),
                spec.events().stream().map(EventType::type).toList());
        assertEquals(List.of("wrongbook_id"), spec.wideTable().primaryKey());
        assertEquals("payload.wrongbookId", spec.keyPath());
        assertEquals(8, spec.utcOffsetHours(), "from the sample's +08:00 timestamps");
        assertTrue(
                draft.notes()
                        .contains(
                                "wrongbook_add.wrongbookId is missing in 4 of 136 events; made required, being the row"
                                        + " key: such events will be dead-lettered"),
                draft.notes().toString());
        assertTrue(
                draft.notes().get(0).startsWith("left out 5 lines that are not valid events"),
                draft.notes().toString());
    }

    @Test
    void nestedObjectsAreFlattenedArraysKeptAndMixedTypesSaid() {
        List<String> lines =
                List.of(
                        "{\"eventId\":\"1\",\"domain\":\"d\",\"type\":\"t\",\"timestamp\":1,\"payload\":"
                                + "{\"orderNo\":\"1001\",\"address\":{\"city\":\"Hangzhou\",\"geo\":{\"lat\":30.2}},"
                                + "\"items\":[{\"sku\":\"a\"}],\"paid\":true,\"score\":3}}",
                        "{\"eventId\":\"2\",\"domain\":\"d\",\"type\":\"t\",\"timestamp\":2,\"payload\":"
                                + "{\"orderNo\":\"1002\",\"address\":{\"city\":\"Shanghai\"},\"items\":[],"
                                + "\"paid\":false,\"score\":\"high\"}}",
                        "{\"eventId\":\"3\",\"domain\":\"other\",\"type\":\"t\",\"timestamp\":3,\"payload\":{}}");
        EventInference.Draft draft = EventInference.infer(lines, "d", "x.jsonl");
        DomainSpec spec = SpecReader.read(draft.specJson());
        assertEquals(
                Map.of(
                        "orderNo", "string",
                        "address.city", "string",
                        "address.geo.lat", "number?",
                        "items", "array",
                        "paid", "boolean",
                        "score", "string"),
                fields(spec.event("t")));
        assertEquals(List.of("order_no"), spec.wideTable().primaryKey());
        assertEquals("JSON", spec.wideTable().column("items").type().sql());
        assertTrue(
                draft.notes().contains("t.orderNo holds digits as strings: kept as a string id"),
                draft.notes().toString());
        assertTrue(
                draft.notes().contains("t.score holds integer and string values: typed string"),
                draft.notes().toString());
        assertTrue(
                draft.notes().contains("left out the events of other domains: other"),
                draft.notes().toString());
    }

    @Test
    void noEventOfTheDomain() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                EventInference.infer(
                                        List.of(
                                                "{\"eventId\":\"1\",\"domain\":\"a\",\"type\":\"t\",\"timestamp\":1,\"payload\":{}}"),
                                        "b",
                                        "x.jsonl"));
        assertEquals("x.jsonl has no valid event of domain 'b' (it has a)", e.getMessage());
    }
}
