package io.rulecast.runtime.js;

import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.Failure;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Guard;
import io.rulecast.runtime.ScriptFailure;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;

/** Turns what GraalJS throws into compile errors and typed failures, with the user's positions. */
final class JsFailures {
    /**
     * Globals of other JavaScript hosts (GraalJS's own, Nashorn, Node, browsers) that reach the
     * outside world. None exists in the sandbox; naming one is treated as an attempt to escape.
     */
    private static final Set<String> HOST_GLOBALS =
            Set.of(
                    "Java",
                    "Packages",
                    "java",
                    "javax",
                    "javafx",
                    "Polyglot",
                    "Graal",
                    "Debug",
                    "load",
                    "loadWithNewGlobal",
                    "print",
                    "printErr",
                    "quit",
                    "exit",
                    "readFully",
                    "readbuffer",
                    "readline",
                    "require",
                    "process",
                    "Deno",
                    "Bun",
                    "importScripts",
                    "__dirname",
                    "__filename",
                    "XMLHttpRequest",
                    "fetch",
                    "WebAssembly",
                    "SharedArrayBuffer",
                    "Atomics");

    private static final Pattern NOT_DEFINED =
            Pattern.compile("^ReferenceError: ([\\p{L}\\p{N}_$]+) is not defined");
    private static final Pattern BODY_SYNTAX =
            Pattern.compile("^SyntaxError: <function>:(\\d+):(\\d+) (.*)$");
    private static final Pattern READ_ONLY =
            Pattern.compile(
                    "^TypeError: .*(read only property|non-extensible|not extensible"
                            + "|not a configurable property|Cannot (delete|redefine|define)"
                            + " property)");
    private static final Pattern SOURCE_PREFIX = Pattern.compile("^SyntaxError: \\S+:\\d+:\\d+ ");

    private JsFailures() {}

    /** The failure of an invocation that ended with {@code e}. */
    static RuntimeException atRunTime(
            PolyglotException e, RuntimeException ctxFailure, Guard guard, String sourceName) {
        if (guard.cancelled()) {
            // A broken bound explains whatever the cancelled context threw.
            return bound(guard);
        }
        if (ctxFailure != null) {
            return ctxFailure;
        }
        if (e.isCancelled() || e.isInterrupted()) {
            return new ScriptFailure(
                    FailureReason.SCRIPT_ERROR, "stopped because the rule was unloaded");
        }
        if (e.isHostException()) {
            Throwable h = e.asHostException();
            if (h instanceof RuntimeException r) {
                return r;
            }
            if (h instanceof StackOverflowError) {
                return stackOverflow(line(e, sourceName));
            }
            if (h instanceof OutOfMemoryError) {
                return new ScriptFailure(
                        FailureReason.MEMORY_LIMIT, "out of memory: " + h.getMessage());
            }
            return new ScriptFailure(FailureReason.SCRIPT_ERROR, String.valueOf(h));
        }
        String message = firstLine(e.getMessage());
        int line = line(e, sourceName);
        if (e.isResourceExhausted()) {
            return message.contains("stack")
                    ? stackOverflow(line)
                    : new ScriptFailure(FailureReason.MEMORY_LIMIT, message);
        }
        if (message.startsWith("RangeError: Maximum call stack size exceeded")) {
            return stackOverflow(line);
        }
        if (message.startsWith("RangeError: Invalid string length")
                || message.startsWith("RangeError: Invalid typed array length")
                || message.startsWith("RangeError: Array buffer allocation failed")) {
            return new ScriptFailure(
                    FailureReason.MEMORY_LIMIT,
                    at(message + ": more than script.memory.limit allows", line));
        }
        if (message.startsWith("EvalError:")) {
            return new ScriptFailure(
                    FailureReason.SANDBOX_VIOLATION,
                    at(
                            "eval, new Function and other code built from strings are not allowed",
                            line));
        }
        Matcher m = NOT_DEFINED.matcher(message);
        if (m.find() && HOST_GLOBALS.contains(m.group(1))) {
            return new ScriptFailure(
                    FailureReason.SANDBOX_VIOLATION,
                    at(
                            "'"
                                    + m.group(1)
                                    + "' is not available: a rule sees only event, ctx and"
                                    + " standard JavaScript",
                            line));
        }
        if (READ_ONLY.matcher(message).find()) {
            // ctx, ctx.state and console are frozen objects.
            return new ScriptFailure(
                    FailureReason.SCRIPT_ERROR, at(message + " (it is read-only)", line));
        }
        return new ScriptFailure(FailureReason.SCRIPT_ERROR, at(message, line));
    }

    static ScriptFailure bound(Guard guard) {
        Failure f = guard.failure();
        return new ScriptFailure(f.reason(), f.message());
    }

    private static ScriptFailure stackOverflow(int line) {
        return new ScriptFailure(
                FailureReason.STACK_OVERFLOW, at("call stack too deep (recursion?)", line));
    }

    /**
     * A syntax error reported by the Function constructor, whose positions are relative to the body
     * already (line 1-based, column 0-based).
     */
    static CompileException bodySyntax(PolyglotException e, String body) {
        String first = firstLine(e.getMessage());
        Matcher m = BODY_SYNTAX.matcher(first);
        if (!m.matches()) {
            return new CompileException(0, 0, SOURCE_PREFIX.matcher(first).replaceFirst(""));
        }
        String[] lines = body.split("\r\n|\r|\n", -1);
        int line = Integer.parseInt(m.group(1));
        int column = Integer.parseInt(m.group(2)) + 1;
        if (line > lines.length) {
            // Reported at the end the constructor appends: point at the end of the body instead.
            line = lines.length;
            column = lines[line - 1].length() + 1;
        }
        return new CompileException(line, column, m.group(3));
    }

    /** A syntax error in the wrapped source: positions are shifted back to the body's. */
    static CompileException wrappedSyntax(PolyglotException e) {
        String detail = SOURCE_PREFIX.matcher(firstLine(e.getMessage())).replaceFirst("");
        SourceSection s = e.getSourceLocation();
        if (s == null || !s.isAvailable()) {
            return new CompileException(0, 0, detail);
        }
        return new CompileException(
                Math.max(1, s.getStartLine() - JsEngine.PREFIX_LINES), s.getStartColumn(), detail);
    }

    /** The body line where {@code e} happened, or 0. */
    private static int line(PolyglotException e, String sourceName) {
        SourceSection s = e.getSourceLocation();
        if (ours(s, sourceName)) {
            return s.getStartLine() - JsEngine.PREFIX_LINES;
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            if (f.isGuestFrame() && ours(f.getSourceLocation(), sourceName)) {
                return f.getSourceLocation().getStartLine() - JsEngine.PREFIX_LINES;
            }
        }
        return 0;
    }

    private static boolean ours(SourceSection s, String sourceName) {
        return s != null
                && s.isAvailable()
                && !s.getSource().isInternal()
                && sourceName.equals(s.getSource().getName())
                && s.getStartLine() > JsEngine.PREFIX_LINES;
    }

    private static String at(String message, int line) {
        return line > 0 ? message + " (line " + line + ")" : message;
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "the script threw";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
