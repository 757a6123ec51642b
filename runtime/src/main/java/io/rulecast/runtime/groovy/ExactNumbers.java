package io.rulecast.runtime.groovy;

import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.ScriptFailure;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * Bounds on the host-library work a rule can start with one call: arithmetic on exact numbers
 * ({@code BigInteger}, {@code BigDecimal}), parsing them from strings, and format widths. These run
 * inside JDK code that never looks at the watchdog's cancellation flag, so their operands are
 * checked before the call (docs/script-api.md#bounds).
 */
public final class ExactNumbers {
    private ExactNumbers() {}

    /**
     * Largest exact number a rule may make, in bits of its digits (about 30,000 decimal digits):
     * arithmetic on such numbers runs inside JDK code that cannot be interrupted, and these bounds
     * keep every such call within a few milliseconds (docs/script-api.md#bounds).
     */
    static final int MAX_BITS = 100_000;

    /** Largest scale (digits after or before the point) of a BigDecimal a rule may make. */
    static final int MAX_SCALE = 10_000;

    /** Longest string a rule may parse into an exact number. */
    static final int MAX_NUMERAL = 40_000;

    /** Largest width or precision in a format string. */
    static final int MAX_FORMAT_WIDTH = 10_000;

    static Object method(Number n, String name, Object[] args) {
        switch (name) {
            case "multiply":
                return multiply(n, args.length > 0 ? args[0] : null);
            case "power":
                checkPower(n, args.length > 0 ? args[0] : null);
                break;
            case "leftShift":
                checkShift(n, args.length > 0 ? args[0] : null);
                break;
            case "setScale":
            case "movePointLeft":
            case "movePointRight":
                long scale =
                        Math.abs(longArg(args, 0))
                                + (n instanceof BigDecimal d ? Math.abs((long) d.scale()) : 0);
                if (scale > MAX_SCALE) {
                    throw tooLarge(name + "(" + longArg(args, 0) + ") of " + abbreviate(n));
                }
                break;
            default:
                break;
        }
        return bounded(InvokerHelper.invokeMethod(n, name, args));
    }

    static Object multiply(Number a, Object b) {
        if (b instanceof Number m) {
            if (bits(a) + bits(m) > MAX_BITS) {
                throw tooLarge(abbreviate(a) + " * " + abbreviate(m));
            }
            if (Math.abs((long) scale(a)) + Math.abs((long) scale(m)) > MAX_SCALE) {
                throw tooLarge(abbreviate(a) + " * " + abbreviate(m));
            }
        }
        return bounded(InvokerHelper.invokeMethod(a, "multiply", b));
    }

    /**
     * Checks that an exact number is within {@link #MAX_BITS} and {@link #MAX_SCALE}; returns it.
     * Every exact number a rule makes (literals, parsing, constructors, statics, and the results of
     * the operators that grow numbers faster than linearly) passes here, so the linear operators
     * that do not (+, -, comparisons) only ever see bounded operands.
     */
    public static Object bounded(Object v) {
        if ((v instanceof BigInteger || v instanceof BigDecimal)
                && (bits((Number) v) > MAX_BITS || Math.abs(scale((Number) v)) > MAX_SCALE)) {
            throw tooLarge("the number " + abbreviate((Number) v));
        }
        return v;
    }

    /** A string about to be parsed into an exact number: bounded in length. */
    public static Object numeral(Object v) {
        if (v instanceof CharSequence s && s.length() > MAX_NUMERAL) {
            throw tooLarge("a number of " + s.length() + " characters");
        }
        return v;
    }

    private static final double BITS_PER_DIGIT = Math.log(10) / Math.log(2);

    private static long bits(Number n) {
        if (n instanceof BigInteger b) {
            return b.bitLength();
        }
        if (n instanceof BigDecimal d) {
            // From the digit count BigDecimal keeps anyway: unscaledValue() would allocate a
            // BigInteger on every checked operation. An upper bound of the unscaled value's bits.
            return (long) Math.ceil(d.precision() * BITS_PER_DIGIT);
        }
        return n instanceof Long || n instanceof Integer ? 64 : 0;
    }

    private static int scale(Number n) {
        return n instanceof BigDecimal d ? d.scale() : 0;
    }

    private static String abbreviate(Number n) {
        String s =
                n instanceof BigDecimal d
                        ? "a decimal of scale " + d.scale() + " and " + bits(n) + " bits"
                        : n instanceof BigInteger
                                ? "an integer of " + bits(n) + " bits"
                                : String.valueOf(n);
        return s;
    }

    private static ScriptFailure tooLarge(String what) {
        return new ScriptFailure(
                FailureReason.MEMORY_LIMIT,
                what
                        + " is larger than rules may compute (exact numbers up to "
                        + MAX_BITS
                        + " bits, scale up to "
                        + MAX_SCALE
                        + ")"
                        + Sandbox.where());
    }

    /** {@code a << b}: shifting an exact integer is bounded like multiplying it. */
    @SuppressWarnings("unchecked")
    public static Object leftShift(Object a, Object b) {
        if (a instanceof Collection<?> c) {
            // what Groovy's leftShift(Collection, T) does, without a dynamic call
            Sandbox.r(a, "leftShift");
            try {
                ((Collection<Object>) c).add(b);
            } catch (UnsupportedOperationException e) {
                throw new ScriptFailure(
                        FailureReason.SCRIPT_ERROR,
                        "cannot change a read-only list (event, config and dimension rows are read-only)"
                                + Sandbox.where());
            }
            return c;
        }
        if (a instanceof Number n) {
            checkShift(n, b);
            return bounded(InvokerHelper.invokeMethod(Sandbox.r(a, "leftShift"), "leftShift", b));
        }
        return InvokerHelper.invokeMethod(Sandbox.r(a, "leftShift"), "leftShift", b);
    }

    private static void checkShift(Number n, Object by) {
        if (n instanceof BigInteger
                && by instanceof Number s
                && bits(n) + s.longValue() > MAX_BITS) {
            throw tooLarge(abbreviate(n) + " << " + s);
        }
    }

    /** {@code String.format(fmt, args)}: widths and precisions are bounded before formatting. */
    public static String format(Object format, List<Object> args) {
        String f = String.valueOf(format);
        Matcher spec = FORMAT_SPECIFIERS.matcher(f);
        while (spec.find()) {
            Matcher digits = DIGITS.matcher(spec.group(1));
            while (digits.find()) {
                String d = digits.group();
                if (d.length() > 5 || Integer.parseInt(d) > MAX_FORMAT_WIDTH) {
                    throw tooLarge("the width " + d + " in the format '" + abbreviate(f) + "'");
                }
            }
        }
        Object[] a = args.toArray();
        if (a.length == 1 && a[0] instanceof Object[] varargs) {
            a = varargs;
        }
        return String.format(f, a);
    }

    /** The flags, width and precision of each format specifier. */
    private static final Pattern FORMAT_SPECIFIERS = Pattern.compile("%([^a-zA-Z%]*)");

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    static void checkPower(Object base, Object exponent) {
        if (!(exponent instanceof Number e)) {
            return;
        }
        if (base instanceof BigInteger
                || base instanceof BigDecimal
                || base instanceof Long
                || base instanceof Integer) {
            Number b = (Number) base;
            double magnitude = Math.abs(b.doubleValue());
            double baseBits =
                    b instanceof BigDecimal || b instanceof BigInteger
                            ? bits(b)
                            : magnitude <= 1 ? 0 : Math.log(magnitude) / Math.log(2);
            double exp = Math.abs(e.doubleValue());
            if (baseBits * exp > MAX_BITS || Math.abs(scale(b)) * exp > MAX_SCALE) {
                throw tooLarge(abbreviate(b) + " ** " + e);
            }
        }
    }

    private static long longArg(Object[] args, int i) {
        if (args.length > i && args[i] instanceof Number n) {
            return n.longValue();
        }
        return 0;
    }
}
