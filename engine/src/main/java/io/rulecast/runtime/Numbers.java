package io.rulecast.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Arithmetic on plain-data numbers, as {@code ctx.state.incr} needs it in both languages. */
public final class Numbers {
    private Numbers() {}

    /**
     * {@code a + b}: whole numbers stay whole (long, widening to BigInteger on overflow), exact
     * decimals stay exact, anything else is a double.
     */
    public static Number add(Number a, Number b) {
        if (isWhole(a) && isWhole(b)) {
            if (a instanceof BigInteger || b instanceof BigInteger) {
                return toBigInteger(a).add(toBigInteger(b));
            }
            long x = a.longValue();
            long y = b.longValue();
            long r = x + y;
            if (((x ^ r) & (y ^ r)) < 0) {
                return BigInteger.valueOf(x).add(BigInteger.valueOf(y));
            }
            return r;
        }
        if ((a instanceof BigDecimal || isWhole(a)) && (b instanceof BigDecimal || isWhole(b))) {
            return toBigDecimal(a).add(toBigDecimal(b));
        }
        double d = a.doubleValue() + b.doubleValue();
        if (d == Math.rint(d)
                && !Double.isInfinite(d)
                && Math.abs(d) < 1e15
                && isIntegralDouble(a)
                && isIntegralDouble(b)) {
            return (long) d;
        }
        return d;
    }

    private static boolean isIntegralDouble(Number n) {
        return isWhole(n) || n.doubleValue() == Math.rint(n.doubleValue());
    }

    static boolean isWhole(Number n) {
        return n instanceof Integer
                || n instanceof Long
                || n instanceof Short
                || n instanceof Byte
                || n instanceof BigInteger;
    }

    private static BigInteger toBigInteger(Number n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    }

    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
