package io.rulecast.runtime;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts values that leave a script into plain data — null, String, Boolean, Integer, Long,
 * Double, BigDecimal, BigInteger, List, Map with String keys — so that no object a script made (a
 * closure, a lazy string, a mutable view) escapes the sandbox, and so that what is emitted is
 * exactly what the sinks and replay serialize.
 */
public final class PlainData {
    private static final int MAX_DEPTH = 64;

    private PlainData() {}

    /**
     * A deep, independent copy as plain data; throws {@link ScriptFailure} with {@code reason} for
     * anything else.
     */
    public static Object copy(Object value, FailureReason reason) {
        return copy(value, reason, 0);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> copyMap(Object value, FailureReason reason, String what) {
        if (!(value instanceof Map)) {
            throw new ScriptFailure(reason, what + " must be a map, got " + describe(value));
        }
        return (Map<String, Object>) copy(value, reason, 0);
    }

    /**
     * {@code value} as a row of plain data, for a value the script can no longer change (it has
     * returned): a flat {@code LinkedHashMap} of string keys and scalar values — what a Groovy map
     * literal or a converted JavaScript object is — is taken as it is; anything else is copied as
     * {@link #copyMap} does. Safe because nothing a script can reach hands out a shared {@code
     * LinkedHashMap}: the event, dimension rows and config are read-only views, and state values
     * come as copies. Saves a copy of every returned row (about 14% of a Groovy invocation).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> finalMap(Object value, FailureReason reason, String what) {
        if (value != null
                && value.getClass() == LinkedHashMap.class
                && flatPlain((Map<?, ?>) value)) {
            return (Map<String, Object>) value;
        }
        return copyMap(value, reason, what);
    }

    private static boolean flatPlain(Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                return false;
            }
            Object v = e.getValue();
            if (!(v == null
                    || v instanceof String
                    || v instanceof Integer
                    || v instanceof Long
                    || v instanceof Double
                    || v instanceof Boolean
                    || v instanceof BigDecimal
                    || v instanceof BigInteger)) {
                return false;
            }
        }
        return true;
    }

    private static Object copy(Object v, FailureReason reason, int depth) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Integer
                || v instanceof Long
                || v instanceof Double
                || v instanceof BigDecimal
                || v instanceof BigInteger) {
            return v;
        }
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        if (v instanceof CharSequence || v instanceof Character) {
            return v.toString();
        }
        if (depth >= MAX_DEPTH) {
            throw new ScriptFailure(reason, "value nests deeper than " + MAX_DEPTH + " levels");
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 4 / 3 + 1));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object k = e.getKey();
                if (!(k instanceof CharSequence
                        || k instanceof Number
                        || k instanceof Boolean
                        || k instanceof Character)) {
                    throw new ScriptFailure(reason, "map key must be a string, got " + describe(k));
                }
                out.put(k.toString(), copy(e.getValue(), reason, depth + 1));
            }
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) {
                out.add(copy(o, reason, depth + 1));
            }
            return out;
        }
        if (v.getClass().isArray() && !v.getClass().getComponentType().isPrimitive()
                || v instanceof int[]
                || v instanceof long[]
                || v instanceof double[]) {
            int n = Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(copy(Array.get(v, i), reason, depth + 1));
            }
            return out;
        }
        if (v instanceof Date d) {
            return d.getTime();
        }
        if (v instanceof TemporalAccessor t) {
            return t.toString();
        }
        throw new ScriptFailure(
                reason,
                "cannot hand "
                        + describe(v)
                        + " out of a script: use strings, numbers, booleans, lists and maps");
    }

    /** A deep read-only view of parsed JSON (maps and lists wrapped as unmodifiable). */
    @SuppressWarnings("unchecked")
    public static <T> T readOnly(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, m.size() * 4 / 3 + 1));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                copy.put(String.valueOf(e.getKey()), readOnly(e.getValue()));
            }
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            for (Object o : l) {
                copy.add(readOnly(o));
            }
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "a map";
        }
        if (v instanceof Collection) {
            return "a list";
        }
        if (v instanceof CharSequence) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        String n = v.getClass().getName();
        // Script-generated class names (closures, Groovy script classes) mean nothing to users.
        if (n.startsWith("Script") || n.contains("$_") || n.contains("closure")) {
            return "a closure or script object";
        }
        return "a " + v.getClass().getSimpleName();
    }
}
