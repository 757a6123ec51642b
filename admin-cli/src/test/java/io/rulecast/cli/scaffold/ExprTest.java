package io.rulecast.cli.scaffold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The meaning of spec expressions, as the oracle evaluates them (and the rules must agree). */
class ExprTest {
    static Object eval(String text, Map<String, Object> names) {
        return Expr.parse(text, "$").eval(names::get);
    }

    static Object eval(String text) {
        return eval(text, Map.of());
    }

    @Test
    void precedenceIsTheUsualOne() {
        assertEquals(0, new BigDecimal("7").compareTo((BigDecimal) eval("1 + 2 * 3")));
        assertEquals(0, new BigDecimal("9").compareTo((BigDecimal) eval("(1 + 2) * 3")));
        assertEquals(0, new BigDecimal("-1").compareTo((BigDecimal) eval("2 - 3")));
        assertEquals(true, eval("1 < 2 && 2 < 3 || false"));
        assertEquals(true, eval("not false and 'a' < 'b'"));
        assertEquals("(1 + 2) * 3", Expr.parse("(1+2)*3", "$").show());
    }

    @Test
    void nullMakesComparisonsFalseAndArithmeticNull() {
        Map<String, Object> names = new HashMap<>();
        names.put("x", null);
        names.put("y", 5);
        assertEquals(false, eval("x > 3", names));
        assertEquals(false, eval("x <= 3", names));
        assertEquals(true, eval("!(x > 3)", names));
        assertNull(eval("x * 2", names));
        assertEquals(true, eval("x == null", names));
        assertEquals(false, eval("y == null", names));
        assertEquals(false, eval("x && true", names));
    }

    @Test
    void numbersCompareByValueAndDivisionByZeroIsNull() {
        assertEquals(true, eval("5 == 5.0"));
        assertEquals(0, new BigDecimal("3.5").compareTo((BigDecimal) eval("7 / 2")));
        assertNull(eval("7 / 0"));
        assertEquals(-3, eval("-3"));
    }
}
