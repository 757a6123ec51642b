package io.rulecast.cli.scaffold;

import java.util.function.Function;

/**
 * Writes a spec expression as Groovy or JavaScript with the meaning {@link Expr} documents: values
 * that may be null are guarded where a bare operator would throw or compare differently.
 */
final class ExprCode {
    private final Syntax syntax;
    private final Scope scope;
    private final Function<Scope.Ref, String> names;

    /**
     * @param names the code that reads a resolved name (a local, a row column, an event attribute)
     */
    ExprCode(Syntax syntax, Scope scope, Function<Scope.Ref, String> names) {
        this.syntax = syntax;
        this.scope = scope;
        this.names = names;
    }

    /** The expression as code, without outer parentheses. */
    String write(Expr e) {
        if (e instanceof Expr.Literal l) {
            return syntax.literal(l.value());
        }
        if (e instanceof Expr.Name n) {
            return names.apply(scope.resolve(n.name(), "$"));
        }
        if (e instanceof Expr.Unary u) {
            String x = operand(u.operand());
            if (u.op().equals("!")) {
                return "!" + x;
            }
            return scope.nullable(u.operand())
                    ? "(" + x + " " + syntax.eq() + " null ? null : -" + x + ")"
                    : "-" + x;
        }
        Expr.Binary b = (Expr.Binary) e;
        String l = operand(b.left());
        String r = operand(b.right());
        boolean ln = scope.nullable(b.left());
        boolean rn = scope.nullable(b.right());
        switch (b.op()) {
            case "&&", "||" -> {
                return (ln ? syntax.strictBoolean(l) : l)
                        + " "
                        + b.op()
                        + " "
                        + (rn ? syntax.strictBoolean(r) : r);
            }
            case "==" -> {
                return l + " " + syntax.eq() + " " + r;
            }
            case "!=" -> {
                return l + " " + syntax.ne() + " " + r;
            }
            case "<", "<=", ">", ">=" -> {
                String test = l + " " + b.op() + " " + r;
                String guard =
                        guard(l, ln, syntax.ne(), " && ") + guard(r, rn, syntax.ne(), " && ");
                return guard.isEmpty() ? test : "(" + guard + test + ")";
            }
            default -> {
                String op = l + " " + b.op() + " " + r;
                String guard =
                        guard(l, ln, syntax.eq(), " || ") + guard(r, rn, syntax.eq(), " || ");
                if (b.op().equals("/")) {
                    guard += r + " " + syntax.eq() + " 0 || ";
                }
                return guard.isEmpty()
                        ? op
                        : "(" + guard.substring(0, guard.length() - 4) + " ? null : " + op + ")";
            }
        }
    }

    private static String guard(String code, boolean nullable, String op, String join) {
        return nullable ? code + " " + op + " null" + join : "";
    }

    private String operand(Expr e) {
        String code = write(e);
        return e instanceof Expr.Binary && !wrapped(code) ? "(" + code + ")" : code;
    }

    /** True when the code is one parenthesised group (strings inside skipped). */
    static boolean wrapped(String code) {
        if (!code.startsWith("(") || !code.endsWith(")")) {
            return false;
        }
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0 && i < code.length() - 1) {
                return false;
            }
        }
        return true;
    }
}
