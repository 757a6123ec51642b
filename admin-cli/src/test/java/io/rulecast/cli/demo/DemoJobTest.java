package io.rulecast.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoJobTest {
    @TempDir Path dir;

    @Test
    void theDemoSettingsAreAValidJobConfiguration() throws Exception {
        WrongbookExample example = WrongbookExample.unpackBundled(dir);
        DemoDatabase.Db db =
                new DemoDatabase.Db("127.0.0.1:3306", "root", "", "rulecast_demo", false, "");
        Map<String, String> settings =
                DemoJob.settings(example.manifest().job(), "127.0.0.1:9092", db, DemoJob.TOPICS);
        RulecastConfig config = RulecastConfig.load(null, settings, Map.of());
        assertEquals("rulecast.demo.events", config.get(RulecastOptions.TOPIC_EVENTS));
        assertEquals("rulecast.demo.dlq", config.get(RulecastOptions.TOPIC_DLQ));
        assertEquals(
                "jdbc:mysql://127.0.0.1:3306/rulecast_demo",
                config.get(RulecastOptions.RULES_JDBC_URL));
        assertEquals(Duration.ofSeconds(2), config.get(RulecastOptions.SCRIPT_TIMEOUT));
        assertEquals(
                example.manifest().job().get(RulecastOptions.SINK_TABLES_ALLOWED.key()),
                config.get(RulecastOptions.SINK_TABLES_ALLOWED));
    }
}
