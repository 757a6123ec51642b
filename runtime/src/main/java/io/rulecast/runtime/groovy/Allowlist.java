package io.rulecast.runtime.groovy;

import groovy.lang.Closure;
import io.rulecast.runtime.RuleContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * What a rule may touch. Receivers are matched by their run-time class; each family lists the
 * method and property names allowed on it. A name is allowed for every overload and every Groovy
 * extension method of that name, so only names that are safe in all their forms are here. Anything
 * not listed is a {@code SANDBOX_VIOLATION}.
 *
 * <p>Names that amplify work or memory in one builtin call (repeat, pad, regex) are "guarded": the
 * sandbox runs them itself with size checks and a cancellable input.
 */
final class Allowlist {
    private Allowlist() {}

    /** Names refused on every receiver at compile time: they reach the meta-level. */
    static final Set<String> FORBIDDEN_NAMES =
            Set.of(
                    "getClass",
                    "class",
                    "metaClass",
                    "getMetaClass",
                    "setMetaClass",
                    "invokeMethod",
                    "getProperty",
                    "setProperty",
                    "properties",
                    "getProperties",
                    "methodMissing",
                    "propertyMissing",
                    "metaPropertyValues",
                    "getMetaPropertyValues",
                    "execute",
                    "evaluate",
                    "run",
                    "with",
                    "tap",
                    "identity",
                    "use",
                    "mixin",
                    "getBinding",
                    "setBinding",
                    "binding",
                    "getDelegate",
                    "setDelegate",
                    "delegate",
                    "getOwner",
                    "owner",
                    "getThisObject",
                    "thisObject",
                    "rehydrate",
                    "dehydrate",
                    "setResolveStrategy",
                    "resolveStrategy",
                    "asType",
                    "wait",
                    "notify",
                    "notifyAll",
                    "sleep",
                    "addShutdownHook",
                    "dump",
                    "inspect",
                    "print",
                    "println",
                    "printf",
                    "sprintf",
                    "getStaticMethods",
                    "forName",
                    "getClassLoader",
                    "classLoader",
                    "newInstance",
                    "respondsTo",
                    "hasProperty",
                    "getMetaMethod",
                    "getMetaProperty",
                    "__rulecastEvent",
                    "__rulecastCtx");

    /** Methods that the sandbox performs itself (size checks, cancellable regex). */
    static final Set<String> GUARDED_METHODS =
            Set.of(
                    "getAt",
                    "putAt",
                    "leftShift",
                    "setScale",
                    "movePointLeft",
                    "movePointRight",
                    "toBigInteger",
                    "toBigDecimal",
                    "multiply",
                    "power",
                    "padLeft",
                    "padRight",
                    "center",
                    "repeat",
                    "replaceAll",
                    "replaceFirst",
                    "matches",
                    "split",
                    "find",
                    "findAll",
                    "eachMatch");

    static final Set<String> COMMON =
            Set.of("toString", "equals", "hashCode", "compareTo", "asBoolean", "isCase", "is");

    static final Set<String> ITERATION =
            Set.of(
                    "each",
                    "eachWithIndex",
                    "collect",
                    "collectMany",
                    "collectEntries",
                    "findAll",
                    "find",
                    "findResult",
                    "findResults",
                    "findIndexOf",
                    "findIndexValues",
                    "findLastIndexOf",
                    "any",
                    "every",
                    "count",
                    "countBy",
                    "groupBy",
                    "inject",
                    "sum",
                    "max",
                    "min",
                    "sort",
                    "toSorted",
                    "unique",
                    "toUnique",
                    "toList",
                    "toSet",
                    "asList",
                    "join",
                    "first",
                    "last",
                    "head",
                    "tail",
                    "init",
                    "take",
                    "drop",
                    "takeWhile",
                    "dropWhile",
                    "reverse",
                    "flatten",
                    "withIndex",
                    "indexed",
                    "average",
                    "size",
                    "isEmpty",
                    "contains",
                    "containsAll",
                    "disjoint",
                    "intersect",
                    "plus",
                    "minus",
                    "collate",
                    "split",
                    "forEach",
                    "iterator",
                    "asImmutable",
                    "asUnmodifiable");

    static final Set<String> MAP_METHODS =
            union(
                    COMMON,
                    ITERATION,
                    Set.of(
                            "get",
                            "getAt",
                            "put",
                            "putAt",
                            "putAll",
                            "remove",
                            "containsKey",
                            "containsValue",
                            "keySet",
                            "values",
                            "entrySet",
                            "getOrDefault",
                            "putIfAbsent",
                            "computeIfAbsent",
                            "computeIfPresent",
                            "merge",
                            "clear",
                            "subMap",
                            "findAll",
                            "collectEntries",
                            "leftShift",
                            "sort"));

    static final Set<String> LIST_METHODS =
            union(
                    COMMON,
                    ITERATION,
                    Set.of(
                            "get",
                            "getAt",
                            "putAt",
                            "set",
                            "add",
                            "addAll",
                            "remove",
                            "removeAt",
                            "removeAll",
                            "retainAll",
                            "removeIf",
                            "clear",
                            "indexOf",
                            "lastIndexOf",
                            "subList",
                            "leftShift",
                            "push",
                            "pop",
                            "swap",
                            "shuffled",
                            "multiply"));

    static final Set<String> ARRAY_METHODS =
            union(COMMON, ITERATION, Set.of("getAt", "putAt", "length", "toList", "toSet"));

    static final Set<String> STRING_METHODS =
            union(
                    COMMON,
                    Set.of(
                            "length",
                            "size",
                            "charAt",
                            "codePointAt",
                            "substring",
                            "subSequence",
                            "indexOf",
                            "lastIndexOf",
                            "contains",
                            "startsWith",
                            "endsWith",
                            "toUpperCase",
                            "toLowerCase",
                            "trim",
                            "strip",
                            "stripLeading",
                            "stripTrailing",
                            "isEmpty",
                            "isBlank",
                            "equalsIgnoreCase",
                            "compareToIgnoreCase",
                            "concat",
                            "replace",
                            "getAt",
                            "take",
                            "drop",
                            "takeRight",
                            "dropRight",
                            "reverse",
                            "capitalize",
                            "uncapitalize",
                            "toInteger",
                            "toLong",
                            "toDouble",
                            "toFloat",
                            "toBigDecimal",
                            "toBigInteger",
                            "toBoolean",
                            "isNumber",
                            "isInteger",
                            "isLong",
                            "isDouble",
                            "isFloat",
                            "isBigDecimal",
                            "isBigInteger",
                            "tokenize",
                            "plus",
                            "minus",
                            "next",
                            "previous",
                            "count",
                            "toList",
                            "toSet",
                            "each",
                            "collect",
                            "every",
                            "any",
                            "readLines",
                            "eachLine",
                            "stripIndent",
                            "normalize",
                            "denormalize",
                            "leftShift",
                            "toCharacter",
                            "isAllWhitespace",
                            "append",
                            "insert",
                            "deleteCharAt",
                            "setCharAt",
                            "padLeft",
                            "padRight",
                            "center",
                            "multiply",
                            "repeat",
                            "replaceAll",
                            "replaceFirst",
                            "matches",
                            "split",
                            "find",
                            "findAll",
                            "eachMatch"));

    static final Set<String> NUMBER_METHODS =
            union(
                    COMMON,
                    Set.of(
                            "intValue",
                            "multiply",
                            "power",
                            "longValue",
                            "doubleValue",
                            "floatValue",
                            "shortValue",
                            "byteValue",
                            "toInteger",
                            "toLong",
                            "toDouble",
                            "toFloat",
                            "toBigDecimal",
                            "toBigInteger",
                            "abs",
                            "round",
                            "trunc",
                            "ceil",
                            "floor",
                            "plus",
                            "minus",
                            "div",
                            "mod",
                            "remainder",
                            "intdiv",
                            "negative",
                            "positive",
                            "next",
                            "previous",
                            "bitwiseNegate",
                            "leftShift",
                            "rightShift",
                            "rightShiftUnsigned",
                            "and",
                            "or",
                            "xor",
                            "setScale",
                            "scale",
                            "signum",
                            "stripTrailingZeros",
                            "toPlainString",
                            "precision",
                            "unscaledValue",
                            "movePointLeft",
                            "movePointRight",
                            "isNaN",
                            "isInfinite",
                            "max",
                            "min",
                            "times",
                            "upto",
                            "downto",
                            "step",
                            "toHexString",
                            "toBinaryString",
                            "compareTo",
                            "isZero"));

    static final Set<String> BOOLEAN_METHODS =
            union(COMMON, Set.of("booleanValue", "and", "or", "xor", "implies", "not"));

    static final Set<String> DATE_METHODS =
            union(
                    COMMON,
                    Set.of("getTime", "time", "toInstant", "before", "after", "plus", "minus"));

    static final Set<String> CLOSURE_METHODS =
            union(
                    COMMON,
                    Set.of(
                            "call",
                            "doCall",
                            "curry",
                            "rcurry",
                            "ncurry",
                            "memoize",
                            "getMaximumNumberOfParameters",
                            "maximumNumberOfParameters",
                            "leftShift",
                            "rightShift"));

    static final Set<String> MATCHER_METHODS =
            union(
                    COMMON,
                    Set.of(
                            "find",
                            "matches",
                            "lookingAt",
                            "group",
                            "groupCount",
                            "start",
                            "end",
                            "getAt",
                            "size",
                            "getCount",
                            "count",
                            "hasGroup",
                            "each",
                            "collect",
                            "iterator",
                            "hasNext",
                            "next",
                            "reset",
                            "replaceAll",
                            "replaceFirst"));

    static final Set<String> ITERATOR_METHODS = union(COMMON, Set.of("hasNext", "next"));

    static final Set<String> ENTRY_METHODS =
            union(COMMON, Set.of("getKey", "getValue", "key", "value", "setValue"));

    static final Set<String> THROWABLE_METHODS =
            union(
                    COMMON,
                    Set.of("getMessage", "message", "getLocalizedMessage", "localizedMessage"));

    static final Set<String> CONTEXT_METHODS =
            Set.of(
                    "upsert",
                    "delete",
                    "alert",
                    "metric",
                    "dim",
                    "log",
                    "getState",
                    "state",
                    "getConfig",
                    "config",
                    "toString");

    static final Set<String> STATE_METHODS = Set.of("get", "put", "incr", "toString");

    static final Set<String> ENUM_METHODS = union(COMMON, Set.of("name", "ordinal"));

    /** Classes whose static methods and constants a rule may use, by name. */
    static final Map<Class<?>, Set<String>> STATICS =
            Map.ofEntries(
                    Map.entry(Math.class, Set.of("*")),
                    Map.entry(StrictMath.class, Set.of("*")),
                    Map.entry(
                            Integer.class,
                            Set.of(
                                    "parseInt",
                                    "valueOf",
                                    "toString",
                                    "max",
                                    "min",
                                    "sum",
                                    "compare",
                                    "signum",
                                    "toHexString",
                                    "toBinaryString",
                                    "MAX_VALUE",
                                    "MIN_VALUE")),
                    Map.entry(
                            Long.class,
                            Set.of(
                                    "parseLong",
                                    "valueOf",
                                    "toString",
                                    "max",
                                    "min",
                                    "sum",
                                    "compare",
                                    "signum",
                                    "toHexString",
                                    "MAX_VALUE",
                                    "MIN_VALUE")),
                    Map.entry(
                            Double.class,
                            Set.of(
                                    "parseDouble",
                                    "valueOf",
                                    "toString",
                                    "max",
                                    "min",
                                    "sum",
                                    "compare",
                                    "isNaN",
                                    "isFinite",
                                    "isInfinite",
                                    "MAX_VALUE",
                                    "MIN_VALUE",
                                    "NaN",
                                    "POSITIVE_INFINITY",
                                    "NEGATIVE_INFINITY")),
                    Map.entry(
                            Float.class,
                            Set.of(
                                    "parseFloat",
                                    "valueOf",
                                    "toString",
                                    "max",
                                    "min",
                                    "compare",
                                    "MAX_VALUE",
                                    "MIN_VALUE")),
                    Map.entry(
                            Short.class,
                            Set.of("parseShort", "valueOf", "toString", "MAX_VALUE", "MIN_VALUE")),
                    Map.entry(
                            Byte.class,
                            Set.of("parseByte", "valueOf", "toString", "MAX_VALUE", "MIN_VALUE")),
                    Map.entry(
                            Boolean.class,
                            Set.of(
                                    "parseBoolean",
                                    "valueOf",
                                    "toString",
                                    "logicalAnd",
                                    "logicalOr",
                                    "logicalXor",
                                    "TRUE",
                                    "FALSE")),
                    Map.entry(
                            Character.class,
                            Set.of(
                                    "isDigit",
                                    "isLetter",
                                    "isLetterOrDigit",
                                    "isWhitespace",
                                    "isUpperCase",
                                    "isLowerCase",
                                    "toUpperCase",
                                    "toLowerCase",
                                    "valueOf",
                                    "toString",
                                    "getNumericValue")),
                    Map.entry(
                            String.class,
                            Set.of("valueOf", "format", "join", "CASE_INSENSITIVE_ORDER")),
                    Map.entry(
                            BigDecimal.class,
                            Set.of(
                                    "valueOf",
                                    "ZERO",
                                    "ONE",
                                    "TEN",
                                    "ROUND_HALF_UP",
                                    "ROUND_HALF_EVEN",
                                    "ROUND_DOWN",
                                    "ROUND_UP",
                                    "ROUND_FLOOR",
                                    "ROUND_CEILING")),
                    Map.entry(BigInteger.class, Set.of("valueOf", "ZERO", "ONE", "TWO", "TEN")),
                    Map.entry(RoundingMode.class, Set.of("*")),
                    Map.entry(
                            Objects.class,
                            Set.of(
                                    "equals",
                                    "hash",
                                    "hashCode",
                                    "isNull",
                                    "nonNull",
                                    "toString",
                                    "requireNonNullElse",
                                    "compare")),
                    Map.entry(
                            java.util.Collections.class,
                            Set.of(
                                    "emptyList",
                                    "emptyMap",
                                    "emptySet",
                                    "singletonList",
                                    "singletonMap",
                                    "singleton",
                                    "unmodifiableList",
                                    "unmodifiableMap",
                                    "unmodifiableSet",
                                    "max",
                                    "min",
                                    "frequency",
                                    "disjoint")),
                    Map.entry(
                            java.util.UUID.class,
                            Set.of("randomUUID", "nameUUIDFromBytes", "fromString")),
                    Map.entry(java.time.Instant.class, Set.of("*")),
                    Map.entry(java.time.LocalDate.class, Set.of("*")),
                    Map.entry(java.time.LocalDateTime.class, Set.of("*")),
                    Map.entry(java.time.LocalTime.class, Set.of("*")),
                    Map.entry(java.time.ZonedDateTime.class, Set.of("*")),
                    Map.entry(java.time.OffsetDateTime.class, Set.of("*")),
                    Map.entry(java.time.Duration.class, Set.of("*")),
                    Map.entry(java.time.Period.class, Set.of("*")),
                    Map.entry(java.time.ZoneId.class, Set.of("of", "SHORT_IDS")),
                    Map.entry(java.time.ZoneOffset.class, Set.of("*")),
                    Map.entry(java.time.DayOfWeek.class, Set.of("*")),
                    Map.entry(java.time.Month.class, Set.of("*")),
                    Map.entry(java.time.YearMonth.class, Set.of("*")),
                    Map.entry(java.time.temporal.ChronoUnit.class, Set.of("*")),
                    Map.entry(
                            java.time.format.DateTimeFormatter.class,
                            Set.of(
                                    "ofPattern",
                                    "ISO_LOCAL_DATE",
                                    "ISO_LOCAL_DATE_TIME",
                                    "ISO_INSTANT",
                                    "ISO_OFFSET_DATE_TIME",
                                    "ISO_DATE",
                                    "ISO_DATE_TIME",
                                    "BASIC_ISO_DATE")));

    /**
     * Static members never allowed even on "*" classes (they reach the clock source or the system).
     */
    static final Set<String> STATIC_DENIED =
            Set.of("getClass", "class", "forName", "valueOf$", "values$");

    /** Types a rule may construct with {@code new}. */
    static final Set<Class<?>> CONSTRUCTIBLE =
            Set.of(
                    java.util.ArrayList.class,
                    java.util.LinkedList.class,
                    java.util.HashMap.class,
                    java.util.LinkedHashMap.class,
                    java.util.TreeMap.class,
                    java.util.HashSet.class,
                    java.util.LinkedHashSet.class,
                    java.util.TreeSet.class,
                    java.util.ArrayDeque.class,
                    StringBuilder.class,
                    BigDecimal.class,
                    BigInteger.class,
                    Date.class,
                    Object.class,
                    Exception.class,
                    RuntimeException.class,
                    IllegalArgumentException.class,
                    IllegalStateException.class);

    /** Types a rule may name in a cast, a declaration, a parameter or a catch clause. */
    static boolean isNameableType(Class<?> c) {
        if (c.isArray()) {
            return isNameableType(c.getComponentType());
        }
        if (c.isPrimitive() || c == Object.class) {
            return true;
        }
        if (CONSTRUCTIBLE.contains(c) || STATICS.containsKey(c)) {
            return true;
        }
        return c == Number.class
                || c == CharSequence.class
                || c == groovy.lang.GString.class
                || c == List.class
                || c == Map.class
                || c == Set.class
                || c == Collection.class
                || c == Iterable.class
                || c == Map.Entry.class
                || c == Closure.class
                || c == java.util.SortedMap.class
                || c == java.util.Deque.class
                || c == java.util.Queue.class
                || c == Matcher.class
                || c == Iterator.class
                || c == Throwable.class
                || c == ArithmeticException.class
                || c == NumberFormatException.class
                || c == NullPointerException.class
                || c == IndexOutOfBoundsException.class
                || c == UnsupportedOperationException.class
                || c == ClassCastException.class
                || c == java.time.format.DateTimeParseException.class
                || c.getPackageName().equals("java.time")
                || c == RuleContext.class
                || c == RuleContext.StateView.class;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        java.util.HashSet<String> all = new java.util.HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }
}
