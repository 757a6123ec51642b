package io.rulecast.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.RulecastOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** docs/operations.md names every configuration key the job accepts. */
class OperationsDocTest {

    @Test
    void everyOptionIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        List<String> missing =
                RulecastOptions.ALL.stream()
                        .map(ConfigOption::key)
                        .filter(k -> !doc.contains("`" + k + "`"))
                        .collect(Collectors.toList());
        assertTrue(missing.isEmpty(), "docs/operations.md does not mention: " + missing);
    }
}
