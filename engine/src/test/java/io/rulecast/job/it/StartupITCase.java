package io.rulecast.job.it;

import static io.rulecast.job.it.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.ConfigException;
import io.rulecast.job.RulecastConfig;
import io.rulecast.job.RulecastJob;
import io.rulecast.schema.SchemaMigrator;
import io.rulecast.testing.KafkaBrokerExtension;
import io.rulecast.testing.MariaDbExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Starting the job from code: wrong settings fail before anything runs, with the key to fix; right
 * ones run in an embedded MiniCluster (no MiniClusterExtension here), as {@code rulecast run} does.
 */
class StartupITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

    @Test
    void wrongDatabaseSettingsFailFastNamingTheKey() {
        SchemaMigrator.migrate(DB.jdbcUrl(), DB.user(), DB.password());
        Map<String, String> s = new HashMap<>();
        s.put("rules.jdbc.url", DB.jdbcUrl());
        s.put("rules.jdbc.user", DB.user());
        s.put("rules.jdbc.password", DB.password());

        s.put("sink.tables.allowed", "no_such_table");
        ConfigException noTable =
                assertThrows(
                        ConfigException.class, () -> RulecastJob.fromConfig(RulecastConfig.of(s)));
        assertTrue(noTable.getMessage().contains("sink.tables.allowed"), noTable.getMessage());
        assertTrue(noTable.getMessage().contains("no_such_table"), noTable.getMessage());

        s.remove("sink.tables.allowed");
        s.put("rules.jdbc.url", DB.serverUrl().replace("/?", "/no_such_db?"));
        ConfigException noDb =
                assertThrows(
                        ConfigException.class, () -> RulecastJob.fromConfig(RulecastConfig.of(s)));
        assertTrue(noDb.getMessage().startsWith("cannot read routing_configs"), noDb.getMessage());
        assertTrue(noDb.getMessage().contains("rules.jdbc.url"), noDb.getMessage());

        s.put("rules.jdbc.url", DB.jdbcUrl());
        s.put("dims.user.table", "no_such_dim");
        s.put("dims.user.key-column", "id");
        ConfigException noDim =
                assertThrows(
                        ConfigException.class, () -> RulecastJob.fromConfig(RulecastConfig.of(s)));
        assertTrue(noDim.getMessage().contains("dims.user"), noDim.getMessage());
    }

    @Test
    void runsInAnEmbeddedMiniClusterFromPlainCode() throws Exception {
        try (JobFixture job = new JobFixture(KAFKA, DB)) {
            job.rules.insert("shop", "order", "ctx.metric('ok', 1, [:])\nreturn null");
            job.start();
            job.send("k", event("e-1", "shop", "order", Map.of()));
            TopicWatcher.Received m =
                    job.metrics()
                            .await(
                                    r -> "e-1".equals(r.json().get("eventId")),
                                    Duration.ofSeconds(30));
            assertEquals("ok", m.json().get("name"));
        }
    }
}
