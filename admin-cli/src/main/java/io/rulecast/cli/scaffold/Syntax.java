package io.rulecast.cli.scaffold;

import io.rulecast.runtime.Language;
import java.util.List;
import java.util.Map;

/**
 * How a generated rule spells things in its language. {@link RuleWriter} decides what a rule does;
 * this class only writes it as Groovy or as JavaScript, so both languages behave the same (null for
 * an absent field, never JavaScript's {@code undefined}).
 */
abstract class Syntax {
    static Syntax of(Language language) {
        return language == Language.GROOVY ? new GroovySyntax() : new JsSyntax();
    }

    abstract Language language();

    abstract String indent();

    abstract String declare(String name, String value);

    /** A statement as it ends in this language. */
    abstract String statement(String code);

    abstract String eq();

    abstract String ne();

    /** A payload field read into a local: null when absent. */
    abstract String payload(List<String> segments);

    /** A column of a dimension row that may be null. */
    abstract String dimColumn(String row, String column);

    /** A column of the row being built. */
    abstract String rowColumn(String column);

    abstract String event(String attribute, boolean nullable);

    /** {@code value}, or {@code fallback} when it is null. */
    abstract String orElse(String value, String fallback);

    /** A boolean operand of && or || that may be null, as a strict boolean. */
    abstract String strictBoolean(String code);

    abstract String string(String text);

    /** Code spliced into an {@link #interpolate interpolated} string. */
    record Code(String code) {}

    /** A string with values spliced in: parts are literal strings or {@link Code}. */
    abstract String interpolate(List<Object> parts);

    abstract String fail(String message);

    /** A map (or object) literal over several lines, or on one line when {@code inline}. */
    abstract String map(Map<String, String> entries, String indent, boolean inline);

    /** The lines that define {@code datetime} and/or {@code date} from the event's time. */
    abstract List<String> localTime(boolean datetime, boolean date);

    /** Lines defining the helper {@link #orElse} needs, if any. */
    abstract List<String> orElseHelper();

    final String literal(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return string(s);
        }
        return Values.plain(v);
    }
}
