package io.rulecast.runtime;

import java.util.Objects;

/** A rule's name, {@code domain/event_type/rule_name}. */
public record RuleId(String domain, String eventType, String name) {

    public static final String DEFAULT_NAME = "main";

    public RuleId {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(eventType, "eventType");
        name = name == null || name.isBlank() ? DEFAULT_NAME : name;
    }

    @Override
    public String toString() {
        return domain + "/" + eventType + "/" + name;
    }
}
