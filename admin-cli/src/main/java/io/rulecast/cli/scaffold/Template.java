package io.rulecast.cli.scaffold;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An alert message with placeholders: {@code "order {orderId} paid {amount}"}. A placeholder names
 * a payload field, a column of the rule or an event attribute; {@code {{} and {@code }}} write
 * braces.
 *
 * @param parts literal strings and {@link Expr.Name}s, in order
 */
public record Template(String text, List<Object> parts) {
    private static final Pattern NAME =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    /**
     * @throws SpecException naming {@code path} when a brace is not closed or a placeholder is not
     *     a name
     */
    public static Template parse(String text, String path) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
                literal.append(c);
                i += 2;
            } else if (c == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw new SpecException(
                            path,
                            "the placeholder at column "
                                    + (i + 1)
                                    + " of '"
                                    + text
                                    + "' is not closed",
                            "close it with }, or write {{ for a brace");
                }
                String name = text.substring(i + 1, end).trim();
                if (!NAME.matcher(name).matches()) {
                    throw new SpecException(
                            path,
                            "'{" + name + "}' in '" + text + "' is not a name",
                            "write a payload field or column name in braces, e.g. {orderId}");
                }
                if (!literal.isEmpty()) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(new Expr.Name(name));
                i = end + 1;
            } else if (c == '}') {
                throw new SpecException(
                        path,
                        "a '}' at column " + (i + 1) + " of '" + text + "' closes nothing",
                        "write }} for a brace");
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return new Template(text, List.copyOf(parts));
    }

    /** The names the message reads. */
    public List<String> names() {
        return parts.stream()
                .filter(p -> p instanceof Expr.Name)
                .map(p -> ((Expr.Name) p).name())
                .toList();
    }
}
