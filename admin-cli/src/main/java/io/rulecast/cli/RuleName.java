package io.rulecast.cli;

import io.rulecast.runtime.RuleId;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code domain/event_type/rule_name} on the command line ({@code domain/event_type} = main). */
public final class RuleName implements ITypeConverter<RuleId> {
    @Override
    public RuleId convert(String value) {
        String[] parts = value.split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new TypeConversionException(
                    "'" + value + "' is not a rule: write domain/event_type/rule_name");
        }
        for (String p : parts) {
            if (p.isBlank()) {
                throw new TypeConversionException(
                        "'" + value + "' has an empty part: write domain/event_type/rule_name");
            }
        }
        return new RuleId(parts[0], parts[1], parts.length == 3 ? parts[2] : RuleId.DEFAULT_NAME);
    }
}
