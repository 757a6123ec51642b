package io.rulecast.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTableTest {

    @Test
    void wideCharactersCountTwoColumns() {
        assertEquals(5, ConsoleTable.displayWidth("wb-01"));
        assertEquals(6, ConsoleTable.displayWidth("王子涵"));
        assertEquals(9, ConsoleTable.displayWidth("初一(1)班"));
        assertEquals(4, ConsoleTable.displayWidth("（）"));
    }

    @Test
    void alignsColumnsByDisplayWidth() {
        StringWriter s = new StringWriter();
        new ConsoleTable("  ", List.of("id", "name", "n"))
                .row(List.of("wb-1", "王子涵", 1))
                .row(java.util.Arrays.asList("wb-22", null, 10))
                .print(new PrintWriter(s));
        assertEquals(
                List.of(
                        "  id     name    n",
                        "  -----  ------  --",
                        "  wb-1   王子涵  1",
                        "  wb-22  -       10"),
                s.toString().lines().toList());
    }
}
