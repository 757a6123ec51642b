package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnBinderTest {

    /** The setter calls {@code binder} makes for {@code value}, as "setX(index, value)". */
    private static List<String> calls(String dataType, Object value) throws Exception {
        List<String> calls = new ArrayList<>();
        PreparedStatement st =
                (PreparedStatement)
                        Proxy.newProxyInstance(
                                ColumnBinderTest.class.getClassLoader(),
                                new Class<?>[] {PreparedStatement.class},
                                (proxy, method, args) -> {
                                    calls.add(
                                            method.getName()
                                                    + "("
                                                    + args[0]
                                                    + ", "
                                                    + args[1]
                                                    + ")");
                                    return null;
                                });
        ColumnBinder.of(dataType).bind(st, 3, value);
        return calls;
    }

    @Test
    void bindsWellTypedValuesWithTheColumnsSetter() throws Exception {
        assertEquals(List.of("setString(3, a)"), calls("varchar", "a"));
        assertEquals(List.of("setString(3, {})"), calls("json", "{}"));
        assertEquals(List.of("setInt(3, 7)"), calls("int", 7));
        assertEquals(List.of("setLong(3, 7)"), calls("BIGINT", 7L));
        assertEquals(List.of("setDouble(3, 1.5)"), calls("double", 1.5));
        assertEquals(List.of("setBigDecimal(3, 1.25)"), calls("decimal", new BigDecimal("1.25")));
    }

    @Test
    void bindsNullsAsNullsOfTheColumnsType() throws Exception {
        assertEquals(List.of("setNull(3, " + Types.VARCHAR + ")"), calls("text", null));
        assertEquals(List.of("setNull(3, " + Types.BIGINT + ")"), calls("tinyint", null));
        assertEquals(List.of("setNull(3, " + Types.TIMESTAMP + ")"), calls("datetime", null));
        assertEquals(List.of("setNull(3, " + Types.NULL + ")"), calls(null, null));
    }

    @Test
    void bindsOtherCombinationsAsSetObjectWouldForTheValuesClass() throws Exception {
        // A number for a text column, a string for a number or a date: the database converts
        // (or refuses) as it did with setObject.
        assertEquals(List.of("setInt(3, 7)"), calls("varchar", 7));
        assertEquals(List.of("setString(3, 12)"), calls("int", "12"));
        assertEquals(List.of("setString(3, 2026-12-04)"), calls("date", "2026-12-04"));
        assertEquals(List.of("setBoolean(3, true)"), calls("tinyint", true));
        assertEquals(List.of("setDouble(3, 2.0)"), calls("decimal", 2.0));
        Object other = new StringBuilder("x");
        assertEquals(List.of("setObject(3, x)"), calls("varchar", other));
    }
}
