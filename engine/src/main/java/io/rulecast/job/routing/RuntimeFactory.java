package io.rulecast.job.routing;

import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.io.Serializable;

/**
 * Creates the script runtime of each routing instance. The job uses {@link #DEFAULT}; benchmarks
 * and tests may pass another (see {@code RulecastJob#withRuntimeFactory}), e.g. one that runs a
 * compiled Java class as a rule. It is not a configuration key: users run Groovy and JavaScript.
 */
@FunctionalInterface
public interface RuntimeFactory extends Serializable {
    RuntimeFactory DEFAULT = ScriptRuntime::new;

    ScriptRuntime create(RuntimeOptions options);
}
