package io.rulecast.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Arithmetic of {@code ctx.state.incr}: whole numbers stay whole (Long, widening to BigInteger past
 * its range), anything with a fraction is added exactly as BigDecimal, so counters never pick up
 * floating-point drift.
 */
public final class Numbers {
    private Numbers() {}

    /** {@code a + b} as {@code ctx.state.incr} computes it, in both languages. */
    public static Number add(Number a, Number b) {
        if (isWhole(a) && isWhole(b)) {
            if (a instanceof BigInteger || b instanceof BigInteger) {
                return narrow(big(a).add(big(b)));
            }
            long x = a.longValue();
            long y = b.longValue();
            long r = x + y;
            if (((x ^ r) & (y ^ r)) < 0) {
                return BigInteger.valueOf(x).add(BigInteger.valueOf(y));
            }
            return r;
        }
        BigDecimal sum = decimal(a).add(decimal(b));
        if (sum.signum() == 0) {
            return BigDecimal.ZERO;
        }
        return sum;
    }

    private static boolean isWhole(Number n) {
        return n instanceof Integer
                || n instanceof Long
                || n instanceof Short
                || n instanceof Byte
                || n instanceof BigInteger;
    }

    private static BigInteger big(Number n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    }

    private static Number narrow(BigInteger b) {
        return b.bitLength() < 64 ? (Number) b.longValue() : b;
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new ArithmeticException("cannot add " + d);
            }
            return BigDecimal.valueOf(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
