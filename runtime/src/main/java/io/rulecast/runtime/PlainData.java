package io.rulecast.runtime;

import groovy.lang.Closure;
import groovy.lang.GString;
import java.lang.reflect.Array;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
            if (e.getKey() == null || e.getKey().getClass() != String.class) {
                return false;
            }
            Object v = e.getValue();
            if (!(v == null || isScalarClass(v.getClass()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Scalars taken as they are. Checked by exact class, never with {@code instanceof}: a subclass
     * (of {@code BigInteger}, say) could be a class a script defined, with methods of its own.
     * Identity comparisons, most common first: this runs for every value of every returned row, and
     * a hashed set lookup cost as much as the rest of the check.
     */
    private static boolean isScalarClass(Class<?> c) {
        return c == String.class
                || c == Integer.class
                || c == Long.class
                || c == Double.class
                || c == Boolean.class
                || c == BigDecimal.class
                || c == BigInteger.class;
    }

    /**
     * Maps and lists whose methods are the JDK's own, so reading them runs no script code. The
     * read-only views ({@code Collections.unmodifiable*}) are what the runtime hands out (event,
     * config, dimension rows); they pass the calls on to the collection they wrap, which for the
     * runtime's views is one of these too. A view a script made around something else would run
     * that something's methods — which is why conversion happens while the guard is armed.
     */
    private static final Set<Class<?>> MAPS =
            classes(
                    LinkedHashMap.class,
                    HashMap.class,
                    TreeMap.class,
                    Collections.unmodifiableMap(new HashMap<>()).getClass(),
                    Collections.emptyMap().getClass(),
                    Collections.singletonMap("k", "v").getClass(),
                    Map.of().getClass(),
                    Map.of("k", "v").getClass(),
                    Map.of("k", "v", "l", "w").getClass());

    private static final Set<Class<?>> COLLECTIONS =
            classes(
                    ArrayList.class,
                    LinkedList.class,
                    ArrayDeque.class,
                    HashSet.class,
                    LinkedHashSet.class,
                    TreeSet.class,
                    Arrays.asList().getClass(),
                    Collections.unmodifiableList(new ArrayList<>()).getClass(),
                    Collections.unmodifiableList(new LinkedList<>()).getClass(),
                    Collections.unmodifiableCollection(new ArrayList<>()).getClass(),
                    Collections.unmodifiableSet(new HashSet<>()).getClass(),
                    Collections.emptyList().getClass(),
                    Collections.emptySet().getClass(),
                    Collections.singletonList("x").getClass(),
                    Collections.singleton("x").getClass(),
                    List.of().getClass(),
                    List.of("x").getClass(),
                    List.of("x", "y", "z").getClass(),
                    Set.of().getClass(),
                    Set.of("x").getClass(),
                    Set.of("x", "y", "z").getClass());

    /** A set of classes, some of which may be the same (the JDK shares its small collections). */
    private static Set<Class<?>> classes(Class<?>... cs) {
        return Set.copyOf(new HashSet<>(Arrays.asList(cs)));
    }

    private static final String GSTRING_IMPL = "org.codehaus.groovy.runtime.GStringImpl";

    private static Object copy(Object v, FailureReason reason, int depth) {
        if (v == null) {
            return null;
        }
        // Every test below is on the exact class: no method of v runs until v is known to be one
        // of the JDK's (or Groovy's own GString, whose values are checked first).
        Class<?> c = v.getClass();
        if (isScalarClass(c)) {
            return v;
        }
        if (c == Short.class || c == Byte.class) {
            return ((Number) v).intValue();
        }
        if (c == Float.class) {
            return ((Float) v).doubleValue();
        }
        if (c == Character.class || c == StringBuilder.class || c == StringBuffer.class) {
            return v.toString();
        }
        if (c.getName().equals(GSTRING_IMPL) && v instanceof GString g) {
            return gstring(g, reason);
        }
        if (depth >= MAX_DEPTH) {
            throw new ScriptFailure(reason, "value nests deeper than " + MAX_DEPTH + " levels");
        }
        if (MAPS.contains(c) && !(v instanceof TreeMap<?, ?> t && t.comparator() != null)) {
            Map<?, ?> m = (Map<?, ?>) v;
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 4 / 3 + 1));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(key(e.getKey(), reason), copy(e.getValue(), reason, depth + 1));
            }
            return out;
        }
        if (COLLECTIONS.contains(c) && !(v instanceof TreeSet<?> t && t.comparator() != null)) {
            Collection<?> col = (Collection<?>) v;
            List<Object> out = new ArrayList<>(col.size());
            for (Object o : col) {
                out.add(copy(o, reason, depth + 1));
            }
            return out;
        }
        if (c.isArray() && !c.getComponentType().isPrimitive()
                || c == int[].class
                || c == long[].class
                || c == double[].class) {
            int n = Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(copy(Array.get(v, i), reason, depth + 1));
            }
            return out;
        }
        if (c == Date.class) {
            return ((Date) v).getTime();
        }
        if (c.getClassLoader() == null
                && c.getPackageName().equals("java.time")
                && v instanceof TemporalAccessor) {
            return v.toString();
        }
        throw new ScriptFailure(
                reason,
                "cannot hand "
                        + describe(v)
                        + " out of a script: use strings, numbers, booleans, lists and maps");
    }

    private static String key(Object k, FailureReason reason) {
        Class<?> c = k == null ? null : k.getClass();
        if (c == String.class) {
            return (String) k;
        }
        if (c != null
                && (isScalarClass(c)
                        || c == Character.class
                        || c == Short.class
                        || c == Byte.class
                        || c == Float.class)) {
            return k.toString();
        }
        if (c != null && c.getName().equals(GSTRING_IMPL) && k instanceof GString g) {
            return gstring(g, reason);
        }
        throw new ScriptFailure(reason, "map key must be a string, got " + describe(k));
    }

    /**
     * A GString's text, made from plain copies of its values: a closure in it (a lazy {@code "${->
     * ...}"}) or any other object would run its own code when the text is made, so anything that is
     * not plain data is refused before any of it runs; lists and maps of plain data are rendered as
     * Groovy renders them ({@code "${[1, 2]}"} is {@code "[1, 2]"}).
     */
    private static String gstring(GString g, FailureReason reason) {
        Object[] values = g.getValues();
        Object[] plain = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            Object o = values[i];
            Class<?> c = o == null ? null : o.getClass();
            if (c == null
                    || isScalarClass(c)
                    || c == Character.class
                    || c == Short.class
                    || c == Byte.class
                    || c == Float.class) {
                plain[i] = o;
            } else {
                try {
                    plain[i] = copy(o, reason, 1);
                } catch (ScriptFailure notPlain) {
                    throw new ScriptFailure(
                            reason,
                            "cannot hand out a string that embeds "
                                    + describe(o)
                                    + ": only plain data (strings, numbers, booleans, lists and"
                                    + " maps of them) may be interpolated");
                }
            }
        }
        return new org.codehaus.groovy.runtime.GStringImpl(plain, g.getStrings()).toString();
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
        if (Proxy.isProxyClass(v.getClass())) {
            return "a proxy (a closure coerced with 'as'?)";
        }
        if (v instanceof Closure) {
            return "a closure";
        }
        if (v instanceof GString) {
            return "a GString";
        }
        if (v instanceof Map && !MAPS.contains(v.getClass())
                || v instanceof Collection && !COLLECTIONS.contains(v.getClass())) {
            return "a " + v.getClass().getSimpleName();
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
