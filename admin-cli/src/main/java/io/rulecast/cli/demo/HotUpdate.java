package io.rulecast.cli.demo;

import io.rulecast.cli.CliException;
import io.rulecast.event.Json;
import io.rulecast.examples.WrongbookDimensions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's hot update: changes one line of {@code wrongbook/wrongbook_add/main} with a plain SQL
 * {@code UPDATE}, keeps streaming events while the job picks the change up, and shows how long
 * after the commit the first row of the new version was written, and which version served each
 * event.
 */
public final class HotUpdate {
    public static final String DOMAIN = "wrongbook";
    public static final String TYPE = "wrongbook_add";
    public static final String RULE = "main";

    /** What every row written by the new version shows in {@code add_source}. */
    public static final String MARK = "@v2";

    /** Keys of the events streamed during the update. */
    public static final String LIVE_PREFIX = "wb-live-";

    private static final Pattern ADD_SOURCE_LINE =
            Pattern.compile("(?m)^(\\s*add_source\\s*:\\s*)(.+?),[ \\t]*$");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    static final String[] SOURCES = {"homework", "exam", "practice", "photo"};
    private static final long EVENT_EVERY_MILLIS = 100;
    private static final long AFTER_SWITCH_MILLIS = 800;

    /** The new text of the script and the line it changes. */
    public record Change(String script, String oldLine, String newLine) {}

    /** How the streaming went: events sent, and when the first row of the new version landed. */
    private record Live(int sent, Timestamp firstNew) {}

    private final DemoConsole console;
    private final Connection conn;
    private final JobOutputs outputs;
    private final KafkaProducer<String, String> producer;
    private final String eventsTopic;

    HotUpdate(
            DemoConsole console,
            DemoEnvironment env,
            Connection conn,
            JobOutputs outputs,
            String bootstrap,
            String eventsTopic) {
        this.console = console;
        this.conn = conn;
        this.outputs = outputs;
        this.producer = env.register(producer(bootstrap));
        this.eventsTopic = eventsTopic;
    }

    /**
     * Version 2 of wrongbook_add: {@code add_source} gets the suffix {@value #MARK}. Null when the
     * script has no {@code add_source : …,} line.
     */
    public static Change change(String script) {
        Matcher m = ADD_SOURCE_LINE.matcher(script);
        if (!m.find()) {
            return null;
        }
        String changed = m.group(1) + "(" + m.group(2) + ") + '" + MARK + "',";
        return new Change(
                script.substring(0, m.start()) + changed + script.substring(m.end()),
                m.group().strip(),
                changed.strip());
    }

    void run(Duration timeout) throws Exception {
        int deadBefore = outputs.deadLetters.poll().size();
        Change change = change(currentScript());
        if (change == null) {
            throw CliException.failedCheck(
                    "the example's "
                            + ruleName()
                            + " has no 'add_source : …,' line for the demo to change");
        }
        Timestamp committed = update(change.script());
        Live live = streamUntilLive(timeout);
        // Let the last events land before showing the rows.
        Thread.sleep(700);
        List<WideTableView.Row> rows = outputs.table.withPrefix(LIVE_PREFIX);
        console.step(
                "Hot update live "
                        + (live.firstNew().getTime() - committed.getTime())
                        + " ms after the commit of a plain SQL UPDATE (commit → first row written"
                        + " by the new version)");
        console.detail(
                "UPDATE routing_configs SET script = ? WHERE domain = '"
                        + DOMAIN
                        + "' AND event_type = '"
                        + TYPE
                        + "' AND rule_name = '"
                        + RULE
                        + "'");
        console.detail("  - " + change.oldLine());
        console.detail("  + " + change.newLine());
        console.detail(
                "committed at "
                        + committed.toLocalDateTime().format(CLOCK)
                        + "; "
                        + live.sent()
                        + " new wrongbook_add events streamed since, one every ~100 ms. No jar, no"
                        + " restart.");
        List<TopicReader.Message> dead = outputs.deadLetters.poll();
        if (dead.size() > deadBefore) {
            JobOutputs.printDeadLetters(
                    console, dead.subList(deadBefore, dead.size()), "since the UPDATE");
        }
        console.blank();
        console.detail(
                WideTableView.TABLE
                        + " rows of those events ("
                        + outputs.table.count()
                        + " rows in all now):");
        WideTableView.print(
                console.out(),
                DemoConsole.INDENT,
                rows,
                List.of("written", "version"),
                r ->
                        List.of(
                                "+" + (r.updateTime().getTime() - committed.getTime()) + " ms",
                                isNewVersion(r) ? "new" : "old"));
    }

    /** Commits the new script; returns the database's clock at the commit. */
    private Timestamp update(String script) throws SQLException {
        conn.setAutoCommit(false);
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "UPDATE routing_configs SET script = ? WHERE domain = ? AND event_type = ?"
                                + " AND rule_name = ?")) {
            ps.setString(1, script);
            ps.setString(2, DOMAIN);
            ps.setString(3, TYPE);
            ps.setString(4, RULE);
            if (ps.executeUpdate() != 1) {
                conn.rollback();
                throw CliException.failedCheck("the rule to update is not in routing_configs");
            }
            conn.commit();
        } finally {
            conn.setAutoCommit(true);
        }
        try (Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT NOW(3)")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /**
     * Sends an event every ~100 ms until rows of the new version appear, and a few more after that,
     * so that both versions show in the rows.
     */
    private Live streamUntilLive(Duration timeout) throws Exception {
        List<Map<String, Object>> questions = WrongbookDimensions.questions();
        int sent = 0;
        Timestamp firstNew = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        long liveSince = 0;
        while (System.nanoTime() < deadline) {
            sent++;
            send(sent, questions.get((sent * 7) % questions.size()));
            Thread.sleep(EVENT_EVERY_MILLIS);
            for (WideTableView.Row r : outputs.table.withPrefix(LIVE_PREFIX)) {
                if (isNewVersion(r) && (firstNew == null || r.updateTime().before(firstNew))) {
                    firstNew = r.updateTime();
                }
            }
            if (firstNew != null && liveSince == 0) {
                liveSince = System.nanoTime();
            }
            if (liveSince != 0
                    && System.nanoTime() - liveSince
                            > TimeUnit.MILLISECONDS.toNanos(AFTER_SWITCH_MILLIS)) {
                break;
            }
        }
        if (firstNew == null) {
            throw CliException.failedCheck(
                    "the new version of "
                            + ruleName()
                            + " did not go live within "
                            + timeout.toSeconds()
                            + " s");
        }
        return new Live(sent, firstNew);
    }

    private void send(int n, Map<String, Object> question) throws Exception {
        send(producer, eventsTopic, "e-live-", LIVE_PREFIX, n, question);
    }

    /**
     * Sends the {@code n}-th wrongbook_add event of a demo step: event id {@code eventPrefix + n},
     * wrongbook id {@code rowPrefix + n}, keyed by its student.
     */
    static void send(
            KafkaProducer<String, String> producer,
            String eventsTopic,
            String eventPrefix,
            String rowPrefix,
            int n,
            Map<String, Object> question)
            throws Exception {
        String userId = WrongbookDimensions.userId(n % WrongbookDimensions.studentCount());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("wrongbookId", String.format(Locale.ROOT, "%s%03d", rowPrefix, n));
        payload.put("userId", userId);
        payload.put("questionId", question.get("question_id"));
        payload.put("subject", question.get("subject"));
        payload.put("addSource", SOURCES[n % SOURCES.length]);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", String.format(Locale.ROOT, "%s%03d", eventPrefix, n));
        event.put("domain", DOMAIN);
        event.put("type", TYPE);
        event.put("timestamp", System.currentTimeMillis());
        event.put("source", "rulecast-demo");
        event.put("payload", payload);
        producer.send(
                        new ProducerRecord<>(
                                eventsTopic, userId, Json.MAPPER.writeValueAsString(event)))
                .get(10, TimeUnit.SECONDS);
    }

    private String currentScript() throws SQLException {
        return currentScript(conn);
    }

    /** The script of {@code wrongbook/wrongbook_add/main} as stored now. */
    static String currentScript(Connection conn) throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "SELECT script FROM routing_configs WHERE domain = ? AND event_type = ?"
                                + " AND rule_name = ?")) {
            ps.setString(1, DOMAIN);
            ps.setString(2, TYPE);
            ps.setString(3, RULE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw CliException.failedCheck("the manifest pushed no " + ruleName());
                }
                return rs.getString(1);
            }
        }
    }

    static String ruleName() {
        return DOMAIN + "/" + TYPE + "/" + RULE;
    }

    private static boolean isNewVersion(WideTableView.Row r) {
        return r.addSource() != null && r.addSource().endsWith(MARK);
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p);
    }
}
