package io.rulecast.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.event.Json;
import java.io.IOException;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo shows of the job's work: the wide table, and the alerts, dead letters and metrics
 * topics read from the beginning. The readers are registered with the environment, so they close
 * with the demo.
 */
final class JobOutputs {
    private static final int ALERTS_SHOWN = 8;

    final WideTableView table;
    final TopicReader alerts;
    final TopicReader deadLetters;
    final TopicReader metrics;

    JobOutputs(DemoEnvironment env, Connection conn, String bootstrap, DemoJob.Topics topics) {
        this.table = new WideTableView(conn);
        this.alerts = env.register(new TopicReader(bootstrap, topics.alerts()));
        this.deadLetters = env.register(new TopicReader(bootstrap, topics.dlq()));
        this.metrics = env.register(new TopicReader(bootstrap, topics.metrics()));
    }

    /** The first alerts: level, message and the rule that raised it. */
    static void printAlerts(DemoConsole console, List<TopicReader.Message> alerts) {
        console.detail("Alerts (" + alerts.size() + " on the alerts topic):");
        int shown = 0;
        for (TopicReader.Message m : alerts) {
            if (shown == ALERTS_SHOWN) {
                console.detail("  … " + (alerts.size() - shown) + " more");
                break;
            }
            try {
                JsonNode a = Json.MAPPER.readTree(m.value());
                console.detail(
                        "  "
                                + a.path("level").asText()
                                + "  "
                                + a.path("message").asText()
                                + "  ["
                                + a.path("rule").asText()
                                + "]");
            } catch (IOException e) {
                console.detail("  " + m.value());
            }
            shown++;
        }
    }

    /** Dead letters counted by reason and rule (from their headers). */
    static void printDeadLetters(
            DemoConsole console, List<TopicReader.Message> dead, String where) {
        Map<String, Integer> byReason = new TreeMap<>();
        for (TopicReader.Message m : dead) {
            String reason = m.headers().getOrDefault("rulecast.dlq.reason", "?");
            String rule = m.headers().get("rulecast.dlq.rule");
            byReason.merge(reason + (rule == null ? "" : " in " + rule), 1, Integer::sum);
        }
        console.detail(
                "Dead letters ("
                        + dead.size()
                        + " "
                        + where
                        + "):"
                        + (byReason.isEmpty() ? " none" : ""));
        byReason.forEach((reason, n) -> console.detail("  " + n + " × " + reason));
    }
}
