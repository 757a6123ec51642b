package io.rulecast.cli.scaffold;

import java.math.BigDecimal;
import java.util.Map;

/** Plain JSON values as the spec's expressions and the oracle see them. */
final class Values {
    private Values() {}

    /** A number as a BigDecimal. */
    static BigDecimal decimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        throw new IllegalArgumentException("not a number: " + v);
    }

    /** An integral decimal of scale 0 as an Integer or Long (as JSON reads it), else itself. */
    static Object number(BigDecimal d) {
        if (d.scale() <= 0) {
            try {
                long l = d.longValueExact();
                if (l == (int) l) {
                    return Integer.valueOf(
                            (int) l); // not in a ?: with a Long, which would widen it
                }
                return Long.valueOf(l);
            } catch (ArithmeticException tooBig) {
                return d;
            }
        }
        return d;
    }

    /** Equality as the rules see it: numbers by value, null only equals null. */
    static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Number && b instanceof Number) {
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        return a.equals(b);
    }

    /** A number written without exponent, anything else with toString. */
    static String plain(Object v) {
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return String.valueOf(v);
    }

    /** The value at a dotted path in nested maps, or null. */
    static Object at(Map<?, ?> root, String path) {
        Object v = root;
        for (String part : path.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(part);
        }
        return v;
    }
}
