package io.rulecast.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class NumbersTest {

    @Test
    void wholeNumbersStayWholeAndWidenInsteadOfOverflowing() {
        assertEquals(3L, Numbers.add(1, 2L));
        assertEquals(
                BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
                Numbers.add(Long.MAX_VALUE, 1));
        assertEquals(5L, Numbers.add(BigInteger.valueOf(4), 1));
    }

    @Test
    void fractionsAddExactly() {
        assertEquals(new BigDecimal("0.3"), Numbers.add(0.1, 0.2));
        assertEquals(new BigDecimal("2.5"), Numbers.add(2, new BigDecimal("0.5")));
        assertEquals(BigDecimal.ZERO, Numbers.add(new BigDecimal("0.5"), -0.5));
    }
}
