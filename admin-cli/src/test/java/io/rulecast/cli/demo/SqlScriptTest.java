package io.rulecast.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsOnSemicolonsOutsideQuotesAndComments() {
        String script =
                "-- a comment; not a statement\n"
                        + "CREATE TABLE t (a VARCHAR(8) COMMENT 'x;y') ;\n"
                        + "/* block; comment */ INSERT INTO t VALUES ('it''s; fine'), (\"a;b\");\n"
                        + "# hash comment;\n"
                        + "INSERT INTO t VALUES ('back\\\\'); INSERT INTO `we;ird` VALUES ('1')\n";
        assertEquals(
                List.of(
                        "CREATE TABLE t (a VARCHAR(8) COMMENT 'x;y')",
                        "INSERT INTO t VALUES ('it''s; fine'), (\"a;b\")",
                        "INSERT INTO t VALUES ('back\\\\')",
                        "INSERT INTO `we;ird` VALUES ('1')"),
                SqlScript.statements(script));
    }

    @Test
    void doubleDashWithoutSpaceIsNotAComment() {
        assertEquals(List.of("SELECT 1--1"), SqlScript.statements("SELECT 1--1;"));
        assertEquals(List.of(), SqlScript.statements("  \n-- only a comment\n;;"));
    }

    @Test
    void splitsTheExampleScripts() throws IOException {
        Path schema = Path.of("..", "scripts-examples", "wrongbook", "schema");
        List<String> wide =
                SqlScript.statements(Files.readString(schema.resolve("dwd_wrongbook_wide.sql")));
        assertEquals(1, wide.size(), wide::toString);
        assertTrue(wide.get(0).startsWith("CREATE TABLE IF NOT EXISTS dwd_wrongbook_wide"));
        List<String> dims = SqlScript.statements(Files.readString(schema.resolve("dims.sql")));
        assertEquals(4, dims.size(), dims::toString);
        assertTrue(dims.get(2).startsWith("REPLACE INTO dim_question"), dims.get(2));
        assertTrue(dims.get(3).endsWith("('u-20', '罗诗涵', 8, '初二(4)班')"), dims.get(3));
    }
}
