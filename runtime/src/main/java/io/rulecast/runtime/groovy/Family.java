package io.rulecast.runtime.groovy;

import groovy.lang.Closure;
import io.rulecast.runtime.RuleContext;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/** The methods and properties allowed on one run-time class. */
final class Family {
    private final Set<String> methods;
    private final boolean anyMethod;

    private Family(Set<String> methods, boolean anyMethod) {
        this.methods = methods;
        this.anyMethod = anyMethod;
    }

    boolean allowsMethod(String name) {
        if (Allowlist.FORBIDDEN_NAMES.contains(name)) {
            return false;
        }
        return anyMethod || methods.contains(name);
    }

    boolean allowsProperty(String name) {
        return allowsMethod(name);
    }

    static Family of(Class<?> c) {
        if (Map.class.isAssignableFrom(c)) {
            return new Family(Allowlist.MAP_METHODS, false);
        }
        if (Collection.class.isAssignableFrom(c)) {
            return new Family(Allowlist.LIST_METHODS, false);
        }
        if (c.isArray()) {
            // split() and friends return arrays; Groovy treats them much like lists.
            return new Family(Allowlist.ARRAY_METHODS, false);
        }
        if (CharSequence.class.isAssignableFrom(c) && !(c == CancellableCharSequence.class)) {
            return new Family(Allowlist.STRING_METHODS, false);
        }
        if (Number.class.isAssignableFrom(c) && c.getName().startsWith("java.")) {
            return new Family(Allowlist.NUMBER_METHODS, false);
        }
        if (c == Boolean.class) {
            return new Family(Allowlist.BOOLEAN_METHODS, false);
        }
        if (c == Character.class) {
            return new Family(Allowlist.STRING_METHODS, false);
        }
        if (Closure.class.isAssignableFrom(c) && c.getClassLoader() instanceof RuleClassLoader) {
            return new Family(Allowlist.CLOSURE_METHODS, false);
        }
        if (c == Matcher.class) {
            return new Family(Allowlist.MATCHER_METHODS, false);
        }
        if (Map.Entry.class.isAssignableFrom(c)) {
            return new Family(Allowlist.ENTRY_METHODS, false);
        }
        if (Iterator.class.isAssignableFrom(c)
                && (c.getName().startsWith("java.")
                        || c.getName().startsWith("org.codehaus.groovy.")
                        || c.getName().startsWith("groovy.lang."))) {
            return new Family(Allowlist.ITERATOR_METHODS, false);
        }
        if (c == RuleContext.class) {
            return new Family(Allowlist.CONTEXT_METHODS, false);
        }
        if (c == RuleContext.StateView.class) {
            return new Family(Allowlist.STATE_METHODS, false);
        }
        if (c == Date.class) {
            return new Family(Allowlist.DATE_METHODS, false);
        }
        if (c.getName().startsWith("java.time.") && c.getClassLoader() == null) {
            return new Family(Set.of(), true);
        }
        if (Enum.class.isAssignableFrom(c) && c.getName().startsWith("java.math.")) {
            return new Family(Allowlist.ENUM_METHODS, false);
        }
        if (Throwable.class.isAssignableFrom(c)) {
            return new Family(Allowlist.THROWABLE_METHODS, false);
        }
        return new Family(Set.of(), false);
    }
}
