package io.rulecast.runtime.groovy;

import groovy.lang.Closure;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.ScriptFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Groovy's regex string methods, run on a cancellable view of the string. Groovy's own versions
 * turn the receiver back into a {@code String} first, so a catastrophic pattern would run to the
 * end inside one JDK call; here every few thousand character reads check for cancellation.
 */
final class Regex {
    private Regex() {}

    static Object apply(CharSequence s, String name, Object[] args) {
        if (args.length == 0 || args.length > 2) {
            throw wrongArguments(name);
        }
        Matcher m = pattern(args[0]).matcher(CancellableCharSequence.wrap(s));
        Closure<?> closure = args.length == 2 && args[1] instanceof Closure<?> c ? c : null;
        switch (name) {
            case "replaceAll":
            case "replaceFirst":
                if (args.length != 2) {
                    throw wrongArguments(name);
                }
                return replace(m, args[1], closure, "replaceAll".equals(name));
            case "find":
                if (!m.find()) {
                    return null;
                }
                return closure == null ? m.group() : closure.call(groups(m));
            case "findAll":
                List<Object> all = new ArrayList<>();
                while (m.find()) {
                    all.add(closure == null ? m.group() : closure.call(groups(m)));
                }
                return all;
            case "eachMatch":
                if (closure == null) {
                    throw wrongArguments(name);
                }
                while (m.find()) {
                    closure.call(groups(m));
                }
                return s.toString();
            default:
                throw wrongArguments(name);
        }
    }

    private static String replace(Matcher m, Object replacement, Closure<?> closure, boolean all) {
        if (closure == null) {
            String r = String.valueOf(replacement);
            return all ? m.replaceAll(r) : m.replaceFirst(r);
        }
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = closure.call(groups(m));
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
            if (!all) {
                break;
            }
        }
        m.appendTail(out);
        return out.toString();
    }

    /** What Groovy hands a regex closure: the match, or the match and its groups as a list. */
    private static Object groups(Matcher m) {
        if (m.groupCount() == 0) {
            return m.group();
        }
        List<String> g = new ArrayList<>(m.groupCount() + 1);
        for (int i = 0; i <= m.groupCount(); i++) {
            g.add(m.group(i));
        }
        return g;
    }

    private static Pattern pattern(Object regex) {
        return regex instanceof Pattern p ? p : Pattern.compile(String.valueOf(regex));
    }

    private static ScriptFailure wrongArguments(String name) {
        return new ScriptFailure(
                FailureReason.SCRIPT_ERROR,
                "wrong arguments for "
                        + name
                        + "(regex[, replacement or closure])"
                        + Sandbox.where());
    }
}
