package io.rulecast.runtime.js;

import io.rulecast.event.Json;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Guard;
import io.rulecast.runtime.ScriptFailure;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The two crossings between JavaScript and Java. Values going out of a script become plain data
 * (the same kinds {@link io.rulecast.runtime.PlainData} accepts); values going in become numbers,
 * strings, booleans or read-only proxies, so a script never holds a Java object.
 */
final class JsValues {
    private static final int MAX_DEPTH = 64;

    /** How often long conversions look at the guard: a huge array must not outlive its budget. */
    private static final int CHECK_EVERY = 1024;

    private JsValues() {}

    /**
     * A script value as plain Java data: objects become {@code LinkedHashMap}s (members whose value
     * is {@code undefined} are left out, as {@code JSON.stringify} does), arrays {@code
     * ArrayList}s, numbers Integer, Long, Double or BigInteger, Dates epoch millis, null and
     * undefined null.
     *
     * @param what names the value in the failure message, e.g. "ctx.upsert row"
     * @throws ScriptFailure with {@code reason} for functions, symbols, promises and other values
     *     that are not data
     */
    static Object toJava(Value v, FailureReason reason, String what) {
        return convert(v, reason, what, 0);
    }

    /**
     * What a rule returned, as plain data: most likely an object or an array, so those are told
     * apart first. An array of more than {@code outputLimit} rows fails with {@code OUTPUT_LIMIT}
     * before any of it is converted (the runtime's count would refuse it anyway).
     */
    static Object rowsToJava(Value v, int outputLimit) {
        String what = "the returned value";
        if (v.hasArrayElements() && !v.isProxyObject()) {
            long n = v.getArraySize();
            if (n > outputLimit) {
                throw new ScriptFailure(
                        FailureReason.OUTPUT_LIMIT,
                        "returned "
                                + n
                                + " rows, more than "
                                + outputLimit
                                + " (script.output.limit)");
            }
            return array(v, FailureReason.BAD_RETURN, what, 0);
        }
        return convert(v, FailureReason.BAD_RETURN, what, 0);
    }

    // Every test on a Value is a crossing into the guest, which costs about as much as a dozen
    // interpreted JavaScript operations: strings and numbers, the most common values in rows, are
    // tested first.
    private static Object convert(Value v, FailureReason reason, String what, int depth) {
        if (v == null) { // an argument the script left out
            return null;
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isNumber()) {
            return number(v);
        }
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.hasArrayElements()) {
            return v.isProxyObject() ? proxy(v, reason, what) : array(v, reason, what, depth);
        }
        if (v.isProxyObject()) {
            return proxy(v, reason, what);
        }
        if (v.canExecute() || v.canInstantiate()) {
            throw refuse(reason, what, "a function");
        }
        if (v.isDate()) {
            if (v.isInstant()) {
                return v.asInstant().toEpochMilli();
            }
            throw refuse(reason, what, "an invalid Date");
        }
        if (v.isException()) {
            throw refuse(reason, what, "an Error");
        }
        if (v.hasHashEntries()) {
            return hash(v, reason, what, depth);
        }
        if (v.hasMembers()) {
            return object(v, reason, what, depth);
        }
        String type = metaName(v);
        throw refuse(reason, what, type == null ? "a " + v : "a " + type);
    }

    private static Object proxy(Value v, FailureReason reason, String what) {
        Object p = v.asProxyObject();
        if (p instanceof ReadOnlyMap m) {
            return m.map;
        }
        if (p instanceof ReadOnlyList l) {
            return l.list;
        }
        throw refuse(reason, what, "a part of ctx");
    }

    private static void checkDepth(FailureReason reason, String what, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new ScriptFailure(
                    reason, what + " nests deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
    }

    private static List<Object> array(Value v, FailureReason reason, String what, int depth) {
        checkDepth(reason, what, depth);
        long n = v.getArraySize();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ScriptFailure(reason, what + " is an array of " + n + " elements");
        }
        List<Object> out = new ArrayList<>((int) Math.min(n, CHECK_EVERY));
        for (int i = 0; i < n; i++) {
            if (i % CHECK_EVERY == CHECK_EVERY - 1) {
                Guard.current().check();
            }
            out.add(convert(v.getArrayElement(i), reason, what, depth + 1));
        }
        return out;
    }

    private static Map<String, Object> object(
            Value v, FailureReason reason, String what, int depth) {
        checkDepth(reason, what, depth);
        Set<String> keys = v.getMemberKeys();
        if (keys.isEmpty()) {
            // A promise, set or regexp has no own keys and would pass as {}: name it instead.
            String type = metaName(v);
            if (type != null && !type.equals("Object")) {
                throw refuse(reason, what, "a " + type);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, keys.size() * 4 / 3 + 1));
        int i = 0;
        for (String k : keys) {
            if (++i % CHECK_EVERY == 0) {
                Guard.current().check();
            }
            Value m = v.getMember(k);
            if (m == null) {
                continue; // a getter or proxy trap removed it meanwhile
            }
            Object plain = convert(m, reason, what, depth + 1);
            if (plain != null || !isUndefined(m)) { // undefined is left out, as JSON.stringify does
                out.put(k, plain);
            }
        }
        return out;
    }

    private static Object hash(Value v, FailureReason reason, String what, int depth) {
        checkDepth(reason, what, depth);
        Map<String, Object> out = new LinkedHashMap<>();
        Value it = v.getHashEntriesIterator();
        int i = 0;
        while (it.hasIteratorNextElement()) {
            if (++i % CHECK_EVERY == 0) {
                Guard.current().check();
            }
            Value entry = it.getIteratorNextElement();
            Value key = entry.getArrayElement(0);
            if (!(key.isString() || key.isNumber() || key.isBoolean())) {
                throw new ScriptFailure(reason, what + " has a Map key that is not a string");
            }
            out.put(
                    key.isString() ? key.asString() : String.valueOf(number(key)),
                    convert(entry.getArrayElement(1), reason, what, depth + 1));
        }
        return out;
    }

    private static Object number(Value v) {
        double d = v.asDouble(); // one crossing for the common case; exact unless a huge BigInt
        if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            // Integral and below 2^53: exact whatever the value's kind (a BigInt included); -0
            // becomes the integer 0 rather than "-0.0".
            return d == (int) d ? (Object) (int) d : (Object) (long) d;
        }
        if (d != d || !Double.isInfinite(d) && d != Math.rint(d)) {
            return d; // NaN or a fraction: a double, as JavaScript has it
        }
        if (v.fitsInInt()) {
            return v.asInt();
        }
        if (v.fitsInLong()) {
            return v.asLong();
        }
        if (v.fitsInDouble()) {
            return d; // infinite, or integral beyond 2^53 and beyond long
        }
        if (v.fitsInBigInteger()) {
            return v.asBigInteger();
        }
        return v.asDouble();
    }

    private static boolean isUndefined(Value v) {
        Value meta = v.getMetaObject();
        return meta != null && "undefined".equals(meta.getMetaQualifiedName());
    }

    private static String metaName(Value v) {
        Value meta = v.getMetaObject();
        return meta == null ? null : meta.getMetaQualifiedName();
    }

    private static ScriptFailure refuse(FailureReason reason, String what, String got) {
        return new ScriptFailure(
                reason,
                what
                        + " cannot be "
                        + got
                        + ": use objects, arrays, strings, numbers, booleans and null");
    }

    /**
     * A Java value as the script sees it: JavaScript primitives, or read-only proxies over maps and
     * lists. Exact decimals (the JSON reader's BigDecimal) become JavaScript numbers.
     *
     * @param label names the object in "is read-only" messages, e.g. "event"
     */
    static Object toJs(Object o, String label) {
        if (o == null
                || o instanceof String
                || o instanceof Boolean
                || o instanceof Integer
                || o instanceof Long
                || o instanceof Double) {
            return o;
        }
        if (o instanceof Map<?, ?> m) {
            return new ReadOnlyMap(m, label);
        }
        if (o instanceof List<?> l) {
            return new ReadOnlyList(l, label);
        }
        if (o instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
        }
        if (o instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (o instanceof Short || o instanceof Byte) {
            return ((Number) o).intValue();
        }
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof CharSequence || o instanceof Character) {
            return o.toString();
        }
        if (o instanceof Date d) {
            return d.getTime();
        }
        if (o instanceof TemporalAccessor) {
            return o.toString();
        }
        if (o instanceof Collection<?> c) {
            return new ReadOnlyList(new ArrayList<>(c), label);
        }
        if (o.getClass().isArray()) {
            int n = Array.getLength(o);
            List<Object> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(Array.get(o, i));
            }
            return new ReadOnlyList(l, label);
        }
        // Never hand a Java object to a script, even an inert one.
        return String.valueOf(o);
    }

    private static ScriptFailure readOnly(String label) {
        return new ScriptFailure(
                FailureReason.SCRIPT_ERROR,
                label
                        + " is read-only: copy what you want to change, e.g. const p = {...event.payload}");
    }

    /** A map seen from a script: members read through, writes refused. */
    static final class ReadOnlyMap implements ProxyObject {
        final Map<?, ?> map;
        private final String label;

        ReadOnlyMap(Map<?, ?> map, String label) {
            this.map = map;
            this.label = label;
        }

        @Override
        public Object getMember(String key) {
            return toJs(map.get(key), label);
        }

        @Override
        public Object getMemberKeys() {
            Object[] keys = new Object[map.size()];
            int i = 0;
            for (Object k : map.keySet()) {
                keys[i++] = String.valueOf(k);
            }
            return ProxyArray.fromArray(keys);
        }

        @Override
        public boolean hasMember(String key) {
            return map.containsKey(key);
        }

        @Override
        public void putMember(String key, Value value) {
            throw readOnly(label);
        }

        @Override
        public boolean removeMember(String key) {
            throw readOnly(label);
        }

        @Override
        public String toString() {
            return describe(map);
        }
    }

    /** A list seen from a script: elements read through, writes refused. */
    static final class ReadOnlyList implements ProxyArray {
        final List<?> list;
        private final String label;

        ReadOnlyList(List<?> list, String label) {
            this.list = list;
            this.label = label;
        }

        @Override
        public Object get(long index) {
            if (index < 0 || index >= list.size()) {
                throw new ArrayIndexOutOfBoundsException((int) Math.min(index, Integer.MAX_VALUE));
            }
            return toJs(list.get((int) index), label);
        }

        @Override
        public void set(long index, Value value) {
            throw readOnly(label);
        }

        @Override
        public boolean remove(long index) {
            throw readOnly(label);
        }

        @Override
        public long getSize() {
            return list.size();
        }

        @Override
        public String toString() {
            return describe(list);
        }
    }

    /** How a read-only value prints in logs: as JSON, never as a Java class name. */
    private static String describe(Object plain) {
        try {
            return Json.write(plain);
        } catch (RuntimeException e) {
            return "[object]";
        }
    }
}
