package io.rulecast.cli.scaffold;

/**
 * The type of a value in a rule: of a payload field, a column's source, an expression. Integers and
 * decimals are both numbers; {@code NULL} is the type of the literal {@code null}.
 */
public enum ValueType {
    STRING,
    INTEGER,
    DECIMAL,
    BOOLEAN,
    JSON,
    NULL;

    public boolean isNumeric() {
        return this == INTEGER || this == DECIMAL;
    }

    /** True when values of the two types can be compared with {@code ==}. */
    public boolean comparableWith(ValueType other) {
        return this == NULL || other == NULL || this == other || (isNumeric() && other.isNumeric());
    }

    /** How a message names the type. */
    public String describe() {
        return switch (this) {
            case STRING -> "a string";
            case INTEGER -> "an integer";
            case DECIMAL -> "a number";
            case BOOLEAN -> "a boolean";
            case JSON -> "an object or array";
            case NULL -> "null";
        };
    }
}
