package io.rulecast.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.rulecast.cli.CliException;
import io.rulecast.event.Json;
import io.rulecast.examples.WrongbookDimensions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The demo's safe rollout (docs/rollout.md): a candidate of {@code wrongbook/wrongbook_add/main}
 * that renames one add source is started in shadow with {@code rulecast rollout start --shadow};
 * events keep coming; the events whose candidate outputs differ are read back from the shadow topic
 * while the wide table shows only the live version's rows; then {@code rulecast rollout promote}
 * makes the candidate live and its rows appear.
 */
final class ShadowRollout {
    /** The line the candidate adds before {@code return row}. */
    static final String CHANGE = "row.add_source = row.add_source.replace('photo', 'camera')";

    static final String SHADOW_PREFIX = "wb-shadow-";
    static final String PROMOTED_PREFIX = "wb-promoted-";
    private static final long EVENT_EVERY_MILLIS = 100;
    private static final int DIFFS_SHOWN = 3;

    private final DemoConsole console;
    private final DemoEnvironment env;
    private final Connection conn;
    private final JobOutputs outputs;
    private final TopicReader shadow;
    private final KafkaProducer<String, String> producer;
    private final String eventsTopic;
    private final String shadowTopic;
    private final List<String> dbArgs;

    ShadowRollout(
            DemoConsole console,
            DemoEnvironment env,
            Connection conn,
            JobOutputs outputs,
            String bootstrap,
            DemoJob.Topics topics,
            List<String> dbArgs) {
        this.console = console;
        this.env = env;
        this.conn = conn;
        this.outputs = outputs;
        this.shadow = env.register(new TopicReader(bootstrap, topics.shadow()));
        this.producer = env.register(HotUpdate.producer(bootstrap));
        this.eventsTopic = topics.events();
        this.shadowTopic = topics.shadow();
        this.dbArgs = dbArgs;
    }

    /** The candidate: the live script with {@link #CHANGE} before its last {@code return row}. */
    static String candidate(String live) {
        int at = live.lastIndexOf("return row");
        if (at < 0) {
            return null;
        }
        return live.substring(0, at) + CHANGE + "\n" + live.substring(at);
    }

    void run(Duration timeout) throws Exception {
        String live = HotUpdate.currentScript(conn);
        String candidate = candidate(live);
        if (candidate == null) {
            throw CliException.failedCheck(
                    "the example's " + HotUpdate.ruleName() + " has no 'return row' to change");
        }
        Path file = env.workDir().resolve("wrongbook_add.candidate.groovy");
        Files.writeString(file, candidate, StandardCharsets.UTF_8);
        String started =
                first(cli("rollout", "start", HotUpdate.ruleName(), file.toString(), "--shadow"));

        // Stream until the candidate has differed on a few events, then a little longer.
        List<JsonNode> diffs = new ArrayList<>();
        int sent =
                streamUntil(
                        SHADOW_PREFIX,
                        "e-shadow-",
                        timeout,
                        () -> {
                            diffs.clear();
                            diffs.addAll(shadowRecordsOf("e-shadow-"));
                            return diffs.size() >= DIFFS_SHOWN;
                        });
        Thread.sleep(700);
        diffs.clear();
        diffs.addAll(shadowRecordsOf("e-shadow-"));
        List<WideTableView.Row> rows = outputs.table.withPrefix(SHADOW_PREFIX);
        long written =
                rows.stream()
                        .filter(r -> r.addSource() != null && r.addSource().contains("camera"))
                        .count();
        console.step(
                "A candidate tried in shadow: "
                        + diffs.size()
                        + " of "
                        + sent
                        + " events came out different, "
                        + written
                        + " of its rows written ('rulecast rollout start --shadow')");
        console.detail(CliCalls.shortenHashes(started));
        console.detail("  + " + CHANGE);
        int shown = 0;
        for (JsonNode d : diffs) {
            if (shown++ == DIFFS_SHOWN) {
                console.detail("  … " + (diffs.size() - DIFFS_SHOWN) + " more on " + shadowTopic);
                break;
            }
            console.detail(
                    "  "
                            + d.path("eventId").asText()
                            + "  add_source  live "
                            + addSource(d.path("live"))
                            + "  →  candidate "
                            + addSource(d.path("candidate")));
        }
        if (written > 0) {
            throw CliException.failedCheck(
                    "the shadow candidate wrote " + written + " rows; a shadow must write none");
        }

        // Promote, and show the candidate's rows arriving.
        String promoted = first(cli("rollout", "promote", HotUpdate.ruleName()));
        long since = System.nanoTime();
        streamUntil(PROMOTED_PREFIX, "e-promoted-", timeout, () -> promotedRows() > 0);
        long millis = (System.nanoTime() - since) / 1_000_000;
        console.detail(CliCalls.shortenHashes(promoted) + " ('rulecast rollout promote')");
        console.detail(
                "first row written by the promoted version after "
                        + millis
                        + " ms of streaming; rows of photo events now say 'camera…':");
        WideTableView.print(
                console.out(),
                DemoConsole.INDENT,
                outputs.table.withPrefix(PROMOTED_PREFIX),
                null,
                null);
    }

    private long promotedRows() throws Exception {
        return outputs.table.withPrefix(PROMOTED_PREFIX).stream()
                .filter(r -> r.addSource() != null && r.addSource().contains("camera"))
                .count();
    }

    interface Check {
        boolean done() throws Exception;
    }

    /** Sends events every ~100 ms until {@code done}; returns how many were sent. */
    private int streamUntil(String rowPrefix, String eventPrefix, Duration timeout, Check done)
            throws Exception {
        List<Map<String, Object>> questions = WrongbookDimensions.questions();
        long deadline = System.nanoTime() + timeout.toNanos();
        int sent = 0;
        while (System.nanoTime() < deadline) {
            sent++;
            HotUpdate.send(
                    producer,
                    eventsTopic,
                    eventPrefix,
                    rowPrefix,
                    sent,
                    questions.get((sent * 7) % questions.size()));
            Thread.sleep(EVENT_EVERY_MILLIS);
            if (done.done()) {
                return sent;
            }
        }
        throw CliException.failedCheck(
                "the rollout of "
                        + HotUpdate.ruleName()
                        + " showed nothing within "
                        + timeout.toSeconds()
                        + " s ("
                        + rowPrefix
                        + ")");
    }

    private List<JsonNode> shadowRecordsOf(String eventPrefix) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (TopicReader.Message m : shadow.poll()) {
            JsonNode n = Json.MAPPER.readTree(m.value());
            if (n.path("eventId").asText().startsWith(eventPrefix)) {
                out.add(n);
            }
        }
        return out;
    }

    /** The add_source of the first upsert among replay lines, quoted. */
    static String addSource(JsonNode lines) {
        for (JsonNode l : lines) {
            if ("upsert".equals(l.path("kind").asText())) {
                return "'" + l.path("row").path("add_source").asText() + "'";
            }
        }
        return "(no row)";
    }

    private List<String> cli(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(dbArgs);
        return CliCalls.run(a.toArray(String[]::new));
    }

    private static String first(List<String> lines) {
        return lines.isEmpty() ? "" : lines.get(0);
    }
}
