package io.rulecast.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void wideCharactersCountTwoColumns() {
        assertEquals(5, DisplayWidth.of("wb-01"));
        assertEquals(6, DisplayWidth.of("王子涵"));
        assertEquals(9, DisplayWidth.of("初一(1)班"));
        assertEquals(4, DisplayWidth.of("（）"));
        assertEquals(1, DisplayWidth.of("e\u0301")); // e + combining acute accent
    }

    @Test
    void chineseCellsKeepLaterColumnsInLine() {
        List<String> lines =
                print(
                        new TextTable("student", "chapter", "status")
                                .row("王子涵", "一元一次方程", "OPEN")
                                .row("Li", "Ch.2", "FIXED")
                                .row("欧阳娜娜", "三角形", "OPEN"));
        // Every line's "status" cell starts at the same terminal column as the header's.
        int column = lines.get(0).indexOf("status");
        for (String line : lines) {
            String[] cells = line.split(" {2,}");
            String beforeLast = line.substring(0, line.lastIndexOf(cells[cells.length - 1]));
            assertEquals(column, terminalColumns(beforeLast), line);
        }
    }

    /** Measured apart from DisplayWidth, so that the test can catch it being wrong. */
    private static int terminalColumns(String s) {
        return s.codePoints().map(cp -> cp >= 0x4E00 && cp <= 0x9FFF ? 2 : 1).sum();
    }

    @Test
    void indentRuleAndNullCells() {
        List<String> lines =
                print(
                        new TextTable(List.of("id", "name", "n"))
                                .indent("  ")
                                .ruled()
                                .nullAs("-")
                                .row(List.of("wb-1", "王子涵", 1))
                                .row(Arrays.asList("wb-22", null, 10)));
        assertEquals(
                List.of(
                        "  id     name    n",
                        "  -----  ------  --",
                        "  wb-1   王子涵  1",
                        "  wb-22  -       10"),
                lines);
    }

    @Test
    void plainTableHasNoRuleAndEmptyNulls() {
        List<String> lines =
                print(new TextTable("RULE", "LANG", "").row("a/b/c", null, "<- current"));
        assertEquals(List.of("RULE   LANG", "a/b/c        <- current"), lines);
    }

    private static List<String> print(TextTable t) {
        StringWriter s = new StringWriter();
        t.print(new PrintWriter(s));
        return s.toString().lines().toList();
    }
}
