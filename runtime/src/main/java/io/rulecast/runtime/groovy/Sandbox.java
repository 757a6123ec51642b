package io.rulecast.runtime.groovy;

import groovy.lang.Closure;
import groovy.lang.GString;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Guard;
import io.rulecast.runtime.RuleContext;
import io.rulecast.runtime.ScriptFailure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.runtime.ScriptBytecodeAdapter;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;

/**
 * The run-time half of the Groovy sandbox. The compiler rewrites every method call, property
 * access, subscript, regex operator, range and amplifying operator of a rule into a call of one of
 * these methods, which checks the receiver against {@link Allowlist} before anything runs.
 *
 * <p>Method calls keep Groovy's own fast dispatch: {@code a.m(x)} becomes {@code Sandbox.r(a,
 * "m").m(x)} — the check returns the receiver itself, so the dynamic call that follows resolves on
 * exactly the class that was checked.
 */
public final class Sandbox {
    private Sandbox() {}

    /** Largest string or list one amplifying call may build (characters or elements). */
    static final long MAX_BUILT_SIZE = 10_000_000L;

    /** Largest range a rule may create (elements). */
    static final long MAX_RANGE = 1_000_000L;

    /** Largest capacity a rule may ask of a constructor or an array. */
    static final long MAX_CAPACITY = 1_000_000L;

    private static final ClassValue<Family> FAMILIES =
            new ClassValue<>() {
                @Override
                protected Family computeValue(Class<?> type) {
                    return Family.of(type);
                }
            };

    // ---------------------------------------------------------------- method calls

    /** Checks that {@code name} may be called on {@code receiver}; returns the receiver. */
    public static Object r(Object receiver, String name) {
        if (receiver == null) {
            if (NULL_SAFE.contains(name)) {
                return null;
            }
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR,
                    "Cannot invoke method " + name + "() on null object" + where());
        }
        if (!FAMILIES.get(receiver.getClass()).allowsMethod(name)) {
            throw deny("calling " + name + "() on " + typeName(receiver));
        }
        return receiver;
    }

    /** As {@link #r} for {@code a?.m()}: null passes through. */
    public static Object rs(Object receiver, String name) {
        return receiver == null ? null : r(receiver, name);
    }

    /**
     * As {@link #r} for {@code a*.m()}: the elements Groovy's spread would visit (of a list, an
     * array, a map's entries, an iterator…) are each checked, and the call then runs over a copy of
     * exactly those checked elements.
     */
    public static Object spread(Object receiver, String name) {
        if (receiver == null) {
            return null;
        }
        List<Object> checked = new ArrayList<>();
        for (Iterator<?> it = elements(receiver); it.hasNext(); ) {
            Guard.tick();
            checked.add(rs(it.next(), name));
        }
        return checked;
    }

    /** What Groovy's spread operators iterate over, without calling anything on the receiver. */
    private static Iterator<?> elements(Object receiver) {
        if (receiver instanceof Iterable<?> it) {
            r(receiver, "iterator");
            return it.iterator();
        }
        if (receiver instanceof Map<?, ?> m) {
            return m.entrySet().iterator();
        }
        if (receiver instanceof Iterator<?> it) {
            return it;
        }
        if (receiver.getClass().isArray()) {
            return DefaultTypeTransformation.asCollection(receiver).iterator();
        }
        return List.of(receiver).iterator();
    }

    /** A call of a guarded name: the sandbox performs it itself. */
    public static Object invoke(Object receiver, String name, List<Object> args) {
        r(receiver, name);
        return guarded(receiver, name, args.toArray());
    }

    public static Object invokeSafe(Object receiver, String name, List<Object> args) {
        return receiver == null ? null : invoke(receiver, name, args);
    }

    private static Object guarded(Object receiver, String name, Object[] args) {
        if ("getAt".equals(name) && args.length == 1) {
            return getAt(receiver, args[0]);
        }
        if ("putAt".equals(name) && args.length == 2) {
            return putAt(receiver, args[0], args[1]);
        }
        if (receiver instanceof Number n) {
            return ExactNumbers.method(n, name, args);
        }
        if (receiver instanceof CharSequence s
                && ("toBigInteger".equals(name) || "toBigDecimal".equals(name))) {
            ExactNumbers.numeral(s);
            return ExactNumbers.bounded(InvokerHelper.invokeMethod(receiver, name, args));
        }
        if (receiver instanceof CharSequence s) {
            switch (name) {
                case "multiply":
                case "repeat":
                    checkBuilt(s.length() * longArg(args, 0), "string");
                    break;
                case "padLeft":
                case "padRight":
                case "center":
                    checkBuilt(longArg(args, 0), "string");
                    break;
                case "matches":
                    return pattern(args[0]).matcher(CancellableCharSequence.wrap(s)).matches();
                case "split":
                    if (args.length >= 1 && args[0] instanceof CharSequence regex) {
                        int limit = args.length > 1 ? (int) longArg(args, 1) : 0;
                        return Pattern.compile(regex.toString())
                                .split(CancellableCharSequence.wrap(s), limit);
                    }
                    break;
                case "replaceAll":
                case "replaceFirst":
                case "find":
                case "findAll":
                case "eachMatch":
                    return Regex.apply(s, name, args);
                default:
                    break;
            }
        } else if (receiver instanceof Collection<?> c && "multiply".equals(name)) {
            checkBuilt(c.size() * longArg(args, 0), "list");
        } else if ("power".equals(name)) {
            ExactNumbers.checkPower(receiver, args.length > 0 ? args[0] : null);
        }
        return InvokerHelper.invokeMethod(receiver, name, args);
    }

    /**
     * {@code x as T}: a conversion to a value of a plain JDK type (a number, a string, a list, a
     * set, an array); never a proxy that makes a closure, a map or any other object pose as another
     * type (its methods would run the rule's code wherever the object goes).
     */
    public static Object asType(Object value, Class<?> type) throws Throwable {
        if (value == null || type.isInstance(value)) {
            return value;
        }
        if (value instanceof Closure || value instanceof Map) {
            throw deny("turning " + typeName(value) + " into " + type.getSimpleName());
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            ExactNumbers.numeral(value);
        }
        Object out = ScriptBytecodeAdapter.asType(value, type);
        if (out != null
                && out != value
                && (out.getClass().getClassLoader() != null
                        || java.lang.reflect.Proxy.isProxyClass(out.getClass()))) {
            throw deny("turning " + typeName(value) + " into " + type.getSimpleName());
        }
        return ExactNumbers.bounded(out);
    }

    // ---------------------------------------------------------------- properties

    public static Object getProperty(Object receiver, String name) {
        if (receiver instanceof Map<?, ?> m) {
            return m.get(name);
        }
        if (receiver == null) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR,
                    "Cannot get property '" + name + "' on null object" + where());
        }
        if (receiver instanceof RuleContext ctx) {
            switch (name) {
                case "state":
                    return ctx.getState();
                case "config":
                    return ctx.getConfig();
                default:
                    throw deny("reading ctx." + name);
            }
        }
        if (receiver.getClass().isArray()) {
            if ("length".equals(name)) {
                return java.lang.reflect.Array.getLength(receiver);
            }
            receiver = DefaultTypeTransformation.asCollection(receiver);
        }
        if (receiver instanceof Collection<?> c) {
            if ("empty".equals(name)) {
                return c.isEmpty();
            }
            // Groovy's list.prop is the list of each element's prop.
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) {
                out.add(o == null ? null : getProperty(o, name));
            }
            return out;
        }
        if (!FAMILIES.get(receiver.getClass()).allowsProperty(name)) {
            throw deny("reading ." + name + " of " + typeName(receiver));
        }
        return InvokerHelper.getProperty(receiver, name);
    }

    public static Object getPropertySafe(Object receiver, String name) {
        return receiver == null ? null : getProperty(receiver, name);
    }

    public static Object getPropertySpread(Object receiver, String name) {
        if (receiver == null) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (Iterator<?> it = elements(receiver); it.hasNext(); ) {
            Guard.tick();
            out.add(getPropertySafe(it.next(), name));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public static Object setProperty(Object receiver, String name, Object value) {
        if (receiver instanceof Map<?, ?> m) {
            put((Map<Object, Object>) m, name, value);
            return value;
        }
        if (receiver == null) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR,
                    "Cannot set property '" + name + "' on null object" + where());
        }
        throw deny("setting ." + name + " of " + typeName(receiver));
    }

    public static Object compoundProperty(Object receiver, String name, String op, Object value) {
        Object old = getProperty(receiver, name);
        return setProperty(receiver, name, operator(old, op, value));
    }

    // ---------------------------------------------------------------- subscripts

    public static Object getAt(Object receiver, Object index) {
        if (receiver instanceof Map<?, ?> m) {
            return m.get(index instanceof GString ? index.toString() : index);
        }
        if (receiver == null) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR,
                    "Cannot get [" + index + "] of null object" + where());
        }
        if (index instanceof CharSequence property) {
            // Anything but a map: Groovy's x['p'] is the property p (of every element of a list).
            return getProperty(receiver, property.toString());
        }
        r(receiver, "getAt");
        checkIndex(receiver, index);
        return InvokerHelper.invokeMethod(receiver, "getAt", index);
    }

    public static Object getAtSafe(Object receiver, Object index) {
        return receiver == null ? null : getAt(receiver, index);
    }

    @SuppressWarnings("unchecked")
    public static Object putAt(Object receiver, Object index, Object value) {
        if (receiver instanceof Map<?, ?> m) {
            put(
                    (Map<Object, Object>) m,
                    index instanceof GString ? index.toString() : index,
                    value);
            return value;
        }
        if (receiver instanceof List<?>) {
            checkIndex(receiver, index);
            if (index instanceof Number n && n.longValue() > MAX_CAPACITY) {
                throw new ScriptFailure(
                        FailureReason.MEMORY_LIMIT, "list index " + n + " is too large" + where());
            }
            InvokerHelper.invokeMethod(receiver, "putAt", new Object[] {index, value});
            return value;
        }
        if (receiver == null) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR,
                    "Cannot set [" + index + "] of null object" + where());
        }
        throw deny("setting [" + index + "] of " + typeName(receiver));
    }

    /** Subscripts of anything but a map are positions: numbers, ranges, or lists of them. */
    private static void checkIndex(Object receiver, Object index) {
        if (index instanceof Number || index instanceof groovy.lang.Range<?>) {
            return;
        }
        if (index instanceof Collection<?> c) {
            for (Object o : c) {
                checkIndex(receiver, o);
            }
            return;
        }
        throw deny("the subscript [" + typeName(index) + "] on " + typeName(receiver));
    }

    public static Object compoundAt(Object receiver, Object index, String op, Object value) {
        return putAt(receiver, index, operator(getAt(receiver, index), op, value));
    }

    private static void put(Map<Object, Object> m, Object key, Object value) {
        try {
            m.put(key, value);
        } catch (UnsupportedOperationException e) {
            throw new ScriptFailure(
                    FailureReason.SCRIPT_ERROR,
                    "cannot change a read-only map (event, config and dimension rows are read-only)"
                            + where());
        }
    }

    // ---------------------------------------------------------------- operators

    /** {@code a * b}: strings and lists are checked for size before they are built. */
    public static Object multiply(Object a, Object b) throws Throwable {
        if (a instanceof CharSequence s && b instanceof Number n) {
            checkBuilt(s.length() * n.longValue(), "string");
        } else if (a instanceof Collection<?> c && b instanceof Number n) {
            checkBuilt(c.size() * n.longValue(), "list");
        } else if (a instanceof Number n) {
            return ExactNumbers.multiply(n, b);
        }
        return InvokerHelper.invokeMethod(r(a, "multiply"), "multiply", b);
    }

    /**
     * {@code a ** b}: a huge exact power is one uninterruptible JDK call, so it is bounded first.
     */
    public static Object power(Object a, Object b) {
        ExactNumbers.checkPower(a, b);
        return ExactNumbers.bounded(InvokerHelper.invokeMethod(r(a, "power"), "power", b));
    }

    /** {@code s =~ re}: a matcher over a cancellable view of the string. */
    public static Matcher find(Object s, Object regex) {
        return pattern(regex).matcher(CancellableCharSequence.wrap(String.valueOf(s)));
    }

    /** {@code s ==~ re}. */
    public static boolean matchRegex(Object s, Object regex) {
        if (s == null) {
            return false;
        }
        return pattern(regex).matcher(CancellableCharSequence.wrap(s.toString())).matches();
    }

    /** {@code ~x}: bitwise not of numbers; the pattern operator on strings is not offered. */
    public static Object bitwiseNegate(Object value) throws Throwable {
        if (value instanceof CharSequence) {
            throw deny("the pattern operator ~/…/ (use =~ or ==~)");
        }
        return ScriptBytecodeAdapter.bitwiseNegate(value);
    }

    /** {@code from..to}: bounded, since many builtins walk a range without yielding. */
    public static Object range(
            Object from, Object to, boolean exclusiveLeft, boolean exclusiveRight)
            throws Throwable {
        if (from instanceof Number f && to instanceof Number t) {
            long size = Math.abs(t.longValue() - f.longValue()) + 1;
            if (size > MAX_RANGE) {
                throw new ScriptFailure(
                        FailureReason.SANDBOX_VIOLATION,
                        "range "
                                + f
                                + ".."
                                + t
                                + " has more than "
                                + MAX_RANGE
                                + " elements"
                                + where());
            }
        }
        return ScriptBytecodeAdapter.createRange(from, to, exclusiveLeft, exclusiveRight);
    }

    /** A capacity handed to a constructor or an array: bounded. */
    public static Object cap(Object value) {
        if (value instanceof Number n && n.longValue() > MAX_CAPACITY) {
            throw new ScriptFailure(
                    FailureReason.MEMORY_LIMIT,
                    "capacity " + n + " is larger than " + MAX_CAPACITY + where());
        }
        return value;
    }

    // ---------------------------------------------------------------- truth and literals

    /**
     * Groovy truth of {@code value}, for conditions ({@code if}, {@code while}, {@code ?:}, {@code
     * !}, {@code &&}, {@code ||}): the compiler would convert through a dynamic call site, which
     * re-links whenever the value's class changes (a string, then null). The exact JDK classes a
     * rule handles most are answered here as Groovy answers them ({@code asBoolean} of a string, a
     * number, a map, a list); anything else goes through Groovy's own conversion, as before.
     */
    public static boolean truth(Object value) {
        if (value == null) {
            return false;
        }
        Class<?> c = value.getClass();
        if (c == Boolean.class) {
            return (Boolean) value;
        }
        if (c == String.class) {
            return !((String) value).isEmpty();
        }
        if (c == Integer.class) {
            return (Integer) value != 0;
        }
        if (c == Long.class) {
            return (Long) value != 0L;
        }
        if (c == java.util.LinkedHashMap.class || c == java.util.HashMap.class) {
            return !((Map<?, ?>) value).isEmpty();
        }
        if (c == ArrayList.class) {
            return !((List<?>) value).isEmpty();
        }
        return DefaultTypeTransformation.castToBoolean(value);
    }

    /**
     * {@code value ?: fallback} where the fallback is a constant (evaluating it early is exact).
     */
    public static Object elvis(Object value, Object fallback) {
        return truth(value) ? value : fallback;
    }

    /**
     * A map literal {@code [k1: v1, ...]} of constant keys, built as Groovy builds it (a {@code
     * LinkedHashMap} filled in source order) by {@link #entry} calls, without the key-value array
     * Groovy's {@code createMap} is given, and large enough for its entries without growing (Groovy
     * asks for a capacity of the entry count, which grows a map of one entry or of 13).
     */
    public static Map<Object, Object> map(int entries) {
        return new java.util.LinkedHashMap<>(entries + entries / 3 + 1);
    }

    /** One entry of a map literal made by {@link #map}; returns the map. */
    public static Map<Object, Object> entry(Map<Object, Object> map, Object key, Object value) {
        map.put(key, value);
        return map;
    }

    // ---------------------------------------------------------------- ctx

    private static final boolean CTX_DIM = FAMILIES.get(RuleContext.class).allowsMethod("dim");
    private static final boolean CTX_METRIC =
            FAMILIES.get(RuleContext.class).allowsMethod("metric");
    private static final boolean CTX_UPSERT =
            FAMILIES.get(RuleContext.class).allowsMethod("upsert");
    private static final boolean CTX_LOG = FAMILIES.get(RuleContext.class).allowsMethod("log");

    /**
     * {@code ctx.dim(name, key)}: called directly when the arguments are what the one {@code dim}
     * method takes, as Groovy would call it; anything else goes the dynamic way ({@link #r} and
     * Groovy's dispatch, with its argument coercions and errors).
     */
    public static Object ctxDim(Object ctx, Object name, Object key) {
        if (CTX_DIM && ctx instanceof RuleContext c && isString(name)) {
            return c.dim((String) name, key);
        }
        return InvokerHelper.invokeMethod(r(ctx, "dim"), "dim", new Object[] {name, key});
    }

    /** {@code ctx.metric(name, value, tags)}, as {@link #ctxDim}. */
    public static Object ctxMetric(Object ctx, Object name, Object value, Object tags) {
        if (CTX_METRIC
                && ctx instanceof RuleContext c
                && isString(name)
                && (value == null || value instanceof Number)
                && (tags == null || tags instanceof Map)) {
            c.metric((String) name, (Number) value, (Map<?, ?>) tags);
            return null;
        }
        return InvokerHelper.invokeMethod(
                r(ctx, "metric"), "metric", new Object[] {name, value, tags});
    }

    /** {@code ctx.metric(name, value)}, as {@link #ctxDim}. */
    public static Object ctxMetric(Object ctx, Object name, Object value) {
        if (CTX_METRIC
                && ctx instanceof RuleContext c
                && isString(name)
                && (value == null || value instanceof Number)) {
            c.metric((String) name, (Number) value);
            return null;
        }
        return InvokerHelper.invokeMethod(r(ctx, "metric"), "metric", new Object[] {name, value});
    }

    /** {@code ctx.upsert(table, row)}, as {@link #ctxDim}. */
    public static Object ctxUpsert(Object ctx, Object table, Object row) {
        if (CTX_UPSERT
                && ctx instanceof RuleContext c
                && isString(table)
                && (row == null || row instanceof Map)) {
            c.upsert((String) table, (Map<?, ?>) row);
            return null;
        }
        return InvokerHelper.invokeMethod(r(ctx, "upsert"), "upsert", new Object[] {table, row});
    }

    /** {@code ctx.log(message)}, as {@link #ctxDim} (the one {@code log} takes any object). */
    public static Object ctxLog(Object ctx, Object message) {
        if (CTX_LOG && ctx instanceof RuleContext c) {
            c.log(message);
            return null;
        }
        return InvokerHelper.invokeMethod(r(ctx, "log"), "log", new Object[] {message});
    }

    private static boolean isString(Object o) {
        return o == null || o.getClass() == String.class;
    }

    // ---------------------------------------------------------------- control

    /** At every loop iteration, closure and method entry. */
    public static void tick() {
        Guard.tick();
    }

    /**
     * First statement of every catch block: a rule may catch its own exceptions, but never the
     * sandbox's (a cancelled invocation must stay cancelled) nor JVM errors.
     */
    public static void checkCaught(Throwable t) {
        if (t instanceof ScriptFailure || t instanceof Error) {
            sneakyThrow(t);
        }
        Guard.current().check();
    }

    // ---------------------------------------------------------------- helpers

    private static Object operator(Object old, String op, Object value) {
        if ("multiply".equals(op)) {
            try {
                return multiply(old, value);
            } catch (Throwable t) {
                sneakyThrow(t);
            }
        }
        if ("power".equals(op)) {
            return power(old, value);
        }
        if ("leftShift".equals(op)) {
            return ExactNumbers.leftShift(old, value);
        }
        if (old == null && "plus".equals(op) && value instanceof CharSequence) {
            return "null" + value;
        }
        return InvokerHelper.invokeMethod(r(old, op), op, value);
    }

    private static Pattern pattern(Object regex) {
        if (regex instanceof Pattern p) {
            return p;
        }
        return Pattern.compile(String.valueOf(regex));
    }

    private static void checkBuilt(long size, String what) {
        if (size > MAX_BUILT_SIZE) {
            throw new ScriptFailure(
                    FailureReason.MEMORY_LIMIT,
                    "a "
                            + what
                            + " of "
                            + size
                            + " elements is larger than "
                            + MAX_BUILT_SIZE
                            + where());
        }
    }

    private static long longArg(Object[] args, int i) {
        if (args.length > i && args[i] instanceof Number n) {
            return n.longValue();
        }
        return 0;
    }

    private static ScriptFailure deny(String what) {
        return new ScriptFailure(
                FailureReason.SANDBOX_VIOLATION, what + " is not allowed in rules" + where());
    }

    /** " (line N)" of the innermost rule frame on the stack, for messages. */
    static String where() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(
                        frames ->
                                frames.filter(
                                                f ->
                                                        f.getDeclaringClass().getClassLoader()
                                                                instanceof RuleClassLoader)
                                        .filter(f -> f.getLineNumber() > 0)
                                        .findFirst()
                                        .map(f -> " (line " + f.getLineNumber() + ")")
                                        .orElse(""));
    }

    static String typeName(Object o) {
        if (o instanceof CharSequence) {
            return "a string";
        }
        if (o instanceof Map) {
            return "a map";
        }
        if (o instanceof Collection) {
            return "a list";
        }
        if (o instanceof Number) {
            return "a number (" + o.getClass().getSimpleName() + ")";
        }
        if (o instanceof Closure) {
            return "a closure";
        }
        if (o instanceof Class<?> c) {
            return "class " + c.getName();
        }
        return o.getClass().getName();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static final Set<String> NULL_SAFE =
            Set.of("toString", "equals", "asBoolean", "is", "hashCode", "isCase");
}
