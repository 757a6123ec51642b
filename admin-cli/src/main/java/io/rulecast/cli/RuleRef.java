package io.rulecast.cli;

import io.rulecast.runtime.RuleId;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code D T [--name N]}: the rule a verb acts on. */
public final class RuleRef {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The rule's domain.")
    String domain;

    @Parameters(index = "1", paramLabel = "TYPE", description = "The event type it serves.")
    String type;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = RuleId.DEFAULT_NAME,
            description =
                    "The rule's name among the rules of that type (default ${DEFAULT-VALUE}).")
    String name;

    public RuleId id() {
        return new RuleId(domain, type, name);
    }

    /** The arguments that name this rule again, for hints in messages. */
    public String args() {
        return domain + " " + type + (RuleId.DEFAULT_NAME.equals(name) ? "" : " --name " + name);
    }
}
