package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpsertSqlTest {

    @Test
    void upsertNamesOnlyTheRowsColumnsAndNeverUpdatesTheKey() {
        assertEquals(
                "INSERT INTO `wide` (`a`,`b`,`id`) VALUES (?,?,?)"
                        + " ON DUPLICATE KEY UPDATE `a`=VALUES(`a`),`b`=VALUES(`b`)",
                UpsertSql.upsert("wide", List.of("a", "b", "id"), List.of("id")));
    }

    @Test
    void compositeKeyColumnsStayOutOfTheUpdateList() {
        assertEquals(
                "INSERT INTO `t` (`day`,`n`,`user`) VALUES (?,?,?)"
                        + " ON DUPLICATE KEY UPDATE `n`=VALUES(`n`)",
                UpsertSql.upsert("t", List.of("day", "n", "user"), List.of("user", "day")));
    }

    @Test
    void keyOnlyRowGetsANoOpUpdateRatherThanInsertIgnore() {
        assertEquals(
                "INSERT INTO `t` (`id`) VALUES (?) ON DUPLICATE KEY UPDATE `id`=`id`",
                UpsertSql.upsert("t", List.of("id"), List.of("id")));
    }

    @Test
    void deleteMatchesEveryKeyColumn() {
        assertEquals(
                "DELETE FROM `t` WHERE `user`=? AND `day`=?",
                UpsertSql.delete("t", List.of("user", "day")));
    }

    @Test
    void backQuotesInsideIdentifiersAreDoubled() {
        assertEquals("`a``b`", UpsertSql.quote("a`b"));
        assertEquals("`x``; DROP TABLE t; --`", UpsertSql.quote("x`; DROP TABLE t; --"));
        assertEquals(
                "DELETE FROM `we``ird` WHERE `k``1`=?", UpsertSql.delete("we`ird", List.of("k`1")));
    }

    @Test
    void mapsAndListsAreBoundAsJsonTextAndPlainValuesAsThemselves() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tags", List.of("a", "b"));
        m.put("n", 1);
        assertEquals("{\"tags\":[\"a\",\"b\"],\"n\":1}", UpsertSql.toJdbc(m));
        assertEquals("[1,2.5,null]", UpsertSql.toJdbc(java.util.Arrays.asList(1, 2.5, null)));
        assertEquals(
                new BigDecimal("123456789012345678901234567890"),
                UpsertSql.toJdbc(new BigInteger("123456789012345678901234567890")));
        assertEquals(Boolean.TRUE, UpsertSql.toJdbc(true));
        assertEquals(7L, UpsertSql.toJdbc(7L));
        assertEquals("x", UpsertSql.toJdbc("x"));
        assertEquals(null, UpsertSql.toJdbc(null));
    }
}
