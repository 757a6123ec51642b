package io.rulecast.cli.scaffold;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small expression of a spec: conditions of alerts and metrics, metric values, computed columns.
 * Literals ({@code 12.5}, {@code 'PAID'}, {@code true}, {@code null}), names (payload fields,
 * columns, {@code event.type}), arithmetic {@code + - * /}, comparisons {@code == != < <= > >=},
 * and {@code && || !} (or {@code and or not}), with parentheses.
 *
 * <p>The meaning is the same in Groovy, JavaScript and {@link #eval}: a comparison with a null
 * operand is false, arithmetic with a null operand is null, so is a division by zero, and a null
 * condition is false.
 */
public sealed interface Expr {

    record Literal(Object value) implements Expr {}

    record Name(String name) implements Expr {}

    /** {@code -} or {@code !}. */
    record Unary(String op, Expr operand) implements Expr {}

    record Binary(String op, Expr left, Expr right) implements Expr {}

    /**
     * Reads an expression.
     *
     * @param path the JSON path of the text, for the error
     * @throws SpecException when the text is not an expression
     */
    static Expr parse(String text, String path) {
        return new Parser(text, path).parseAll();
    }

    /** Every name the expression reads, in order. */
    default void names(Consumer<String> out) {
        if (this instanceof Name n) {
            out.accept(n.name());
        } else if (this instanceof Unary u) {
            u.operand().names(out);
        } else if (this instanceof Binary b) {
            b.left().names(out);
            b.right().names(out);
        }
    }

    /** The expression written back in the spec's syntax, fully parenthesised where nested. */
    default String show() {
        if (this instanceof Literal l) {
            return l.value() instanceof String s
                    ? "'"
                            + s.replace("\\", "\\\\")
                                    .replace("'", "\\'")
                                    .replace("\n", "\\n")
                                    .replace("\r", "\\r")
                                    // line breaks to JavaScript, even in a comment
                                    .replace("\u2028", "\\u2028")
                                    .replace("\u2029", "\\u2029")
                            + "'"
                    : Values.plain(l.value());
        }
        if (this instanceof Name n) {
            return n.name();
        }
        if (this instanceof Unary u) {
            return u.op() + wrap(u.operand());
        }
        Binary b = (Binary) this;
        return wrap(b.left()) + " " + b.op() + " " + wrap(b.right());
    }

    private static String wrap(Expr e) {
        return e instanceof Binary ? "(" + e.show() + ")" : e.show();
    }

    /** Evaluates the expression; {@code names} gives the value of each name (null when absent). */
    default Object eval(Function<String, Object> names) {
        if (this instanceof Literal l) {
            return l.value();
        }
        if (this instanceof Name n) {
            return names.apply(n.name());
        }
        if (this instanceof Unary u) {
            Object v = u.operand().eval(names);
            if (u.op().equals("!")) {
                return !Boolean.TRUE.equals(v);
            }
            return v == null ? null : Values.decimal(v).negate();
        }
        Binary b = (Binary) this;
        switch (b.op()) {
            case "&&":
                return Boolean.TRUE.equals(b.left().eval(names))
                        && Boolean.TRUE.equals(b.right().eval(names));
            case "||":
                return Boolean.TRUE.equals(b.left().eval(names))
                        || Boolean.TRUE.equals(b.right().eval(names));
            default:
                break;
        }
        Object l = b.left().eval(names);
        Object r = b.right().eval(names);
        switch (b.op()) {
            case "==":
                return Values.same(l, r);
            case "!=":
                return !Values.same(l, r);
            case "<", "<=", ">", ">=":
                if (l == null || r == null) {
                    return false;
                }
                int c =
                        l instanceof Number
                                ? Values.decimal(l).compareTo(Values.decimal(r))
                                : ((String) l).compareTo((String) r);
                return switch (b.op()) {
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            default:
                if (l == null || r == null) {
                    return null;
                }
                BigDecimal x = Values.decimal(l);
                BigDecimal y = Values.decimal(r);
                if (b.op().equals("/") && y.signum() == 0) {
                    return null;
                }
                return switch (b.op()) {
                    case "+" -> x.add(y);
                    case "-" -> x.subtract(y);
                    case "*" -> x.multiply(y);
                    default -> x.divide(y, MathContext.DECIMAL64);
                };
        }
    }

    /** A recursive-descent parser; errors name the column of the text. */
    final class Parser {
        private final String text;
        private final String path;
        private final List<String> tokens = new ArrayList<>();
        private final List<Integer> starts = new ArrayList<>();
        private int pos;

        Parser(String text, String path) {
            this.text = Objects.requireNonNull(text);
            this.path = path;
            tokenize();
        }

        Expr parseAll() {
            if (tokens.isEmpty()) {
                throw error(0, "an empty expression", "write a condition such as amount >= 1000");
            }
            Expr e = or();
            if (pos < tokens.size()) {
                throw error(starts.get(pos), "unexpected '" + tokens.get(pos) + "'", null);
            }
            return e;
        }

        private Expr or() {
            Expr e = and();
            while (accept("||", "or")) {
                e = new Binary("||", e, and());
            }
            return e;
        }

        private Expr and() {
            Expr e = not();
            while (accept("&&", "and")) {
                e = new Binary("&&", e, not());
            }
            return e;
        }

        private Expr not() {
            if (accept("!", "not")) {
                return new Unary("!", not());
            }
            return comparison();
        }

        private Expr comparison() {
            Expr e = sum();
            for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
                if (accept(op)) {
                    return new Binary(op, e, sum());
                }
            }
            return e;
        }

        private Expr sum() {
            Expr e = product();
            while (true) {
                if (accept("+")) {
                    e = new Binary("+", e, product());
                } else if (accept("-")) {
                    e = new Binary("-", e, product());
                } else {
                    return e;
                }
            }
        }

        private Expr product() {
            Expr e = unary();
            while (true) {
                if (accept("*")) {
                    e = new Binary("*", e, unary());
                } else if (accept("/")) {
                    e = new Binary("/", e, unary());
                } else {
                    return e;
                }
            }
        }

        private Expr unary() {
            if (accept("-")) {
                Expr operand = unary();
                if (operand instanceof Literal l && l.value() instanceof Number n) {
                    return new Literal(Values.number(Values.decimal(n).negate()));
                }
                return new Unary("-", operand);
            }
            return primary();
        }

        private Expr primary() {
            if (pos >= tokens.size()) {
                throw error(text.length(), "the expression ends too early", null);
            }
            int at = starts.get(pos);
            String t = tokens.get(pos++);
            if (t.equals("(")) {
                Expr e = or();
                if (!accept(")")) {
                    throw error(
                            pos < starts.size() ? starts.get(pos) : text.length(),
                            "a '(' is not closed",
                            null);
                }
                return e;
            }
            char c = t.charAt(0);
            if (c == '\'' || c == '"') {
                return new Literal(unquote(t));
            }
            if (Character.isDigit(c)) {
                return new Literal(Values.number(new BigDecimal(t)));
            }
            if (Character.isLetter(c) || c == '_') {
                switch (t) {
                    case "true":
                        return new Literal(Boolean.TRUE);
                    case "false":
                        return new Literal(Boolean.FALSE);
                    case "null":
                        return new Literal(null);
                    case "and", "or", "not":
                        throw error(at, "'" + t + "' needs an operand before it", null);
                    default:
                        return new Name(t);
                }
            }
            throw error(at, "unexpected '" + t + "'", null);
        }

        private boolean accept(String... options) {
            if (pos < tokens.size()) {
                for (String o : options) {
                    if (tokens.get(pos).equals(o)) {
                        pos++;
                        return true;
                    }
                }
            }
            return false;
        }

        private void tokenize() {
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                int start = i;
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                if (c == '\'' || c == '"') {
                    i++;
                    while (i < n && text.charAt(i) != c) {
                        i += text.charAt(i) == '\\' ? 2 : 1;
                    }
                    if (i >= n) {
                        throw error(start, "a string is not closed", "end it with " + c);
                    }
                    i++;
                } else if (Character.isDigit(c)) {
                    while (i < n && Character.isDigit(text.charAt(i))) {
                        i++;
                    }
                    if (i + 1 < n
                            && text.charAt(i) == '.'
                            && Character.isDigit(text.charAt(i + 1))) {
                        i++;
                        while (i < n && Character.isDigit(text.charAt(i))) {
                            i++;
                        }
                    }
                } else if (Character.isLetter(c) || c == '_') {
                    while (i < n
                            && (Character.isLetterOrDigit(text.charAt(i))
                                    || text.charAt(i) == '_'
                                    || text.charAt(i) == '.')) {
                        i++;
                    }
                    if (text.charAt(i - 1) == '.') {
                        throw error(i - 1, "a name cannot end with '.'", null);
                    }
                } else if (i + 1 < n && isTwoCharOperator(text.substring(i, i + 2))) {
                    i += 2;
                } else if ("()<>!+-*/".indexOf(c) >= 0) {
                    i++;
                } else {
                    throw error(
                            i,
                            "unexpected '" + c + "'",
                            c == '='
                                    ? "compare with =="
                                    : c == '&' || c == '|' ? "write && or ||" : null);
                }
                tokens.add(text.substring(start, i));
                starts.add(start);
            }
        }

        private static boolean isTwoCharOperator(String s) {
            return switch (s) {
                case "==", "!=", "<=", ">=", "&&", "||" -> true;
                default -> false;
            };
        }

        private static String unquote(String token) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < token.length() - 1; i++) {
                char c = token.charAt(i);
                if (c == '\\' && i + 1 < token.length() - 1) {
                    c = token.charAt(++i);
                    c =
                            switch (c) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                default -> c;
                            };
                }
                sb.append(c);
            }
            return sb.toString();
        }

        private SpecException error(int column, String problem, String fix) {
            return new SpecException(
                    path,
                    "cannot read '" + text + "': " + problem + " at column " + (column + 1),
                    fix == null ? "write e.g. amount >= 1000 && channel == 'card'" : fix);
        }
    }
}
