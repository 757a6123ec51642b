package io.rulecast.job.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class StateNumbersTest {

    @Test
    void wholeNumbersStayWholeAndWidenInsteadOfOverflowing() {
        assertEquals(3L, StateNumbers.add(1, 2L));
        assertEquals(
                BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
                StateNumbers.add(Long.MAX_VALUE, 1));
        assertEquals(5L, StateNumbers.add(BigInteger.valueOf(4), 1));
    }

    @Test
    void fractionsAddExactly() {
        assertEquals(new BigDecimal("0.3"), StateNumbers.add(0.1, 0.2));
        assertEquals(new BigDecimal("2.5"), StateNumbers.add(2, new BigDecimal("0.5")));
        assertEquals(BigDecimal.ZERO, StateNumbers.add(new BigDecimal("0.5"), -0.5));
    }
}
