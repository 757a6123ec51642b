package io.rulecast.bench;

import io.rulecast.event.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a user would write by hand instead of Rulecast: one Kafka consumer that parses each
 * wrongbook_add event, looks the question up in {@code dim_question} (read once into a map), and
 * writes the same 10-column row into the same wide table with a batched {@code INSERT ... ON
 * DUPLICATE KEY UPDATE}, values bound by type, one prepared statement, {@code
 * rewriteBatchedStatements=true}, one transaction per batch, offsets committed (asynchronously)
 * after the batch: at-least-once, like the sink.
 */
final class PlainJdbcLoader {
    private static final String UPSERT =
            "INSERT INTO "
                    + BenchDatabase.TABLE
                    + " (wrongbook_id,user_id,question_id,subject,chapter,difficulty,status,"
                    + "add_time,score,source) VALUES (?,?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE"
                    + " user_id=VALUES(user_id),question_id=VALUES(question_id),"
                    + "subject=VALUES(subject),chapter=VALUES(chapter),"
                    + "difficulty=VALUES(difficulty),status=VALUES(status),"
                    + "add_time=VALUES(add_time),score=VALUES(score),source=VALUES(source)";

    private final BenchDatabase db;
    private final String bootstrapServers;
    private final int batchSize;

    PlainJdbcLoader(BenchDatabase db, String bootstrapServers, int batchSize) {
        this.db = db;
        this.bootstrapServers = bootstrapServers;
        this.batchSize = batchSize;
    }

    /** Reads {@code topic} from the beginning until {@code events} rows are written. */
    void load(String topic, int events) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "plain-loader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(batchSize));
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(
                                p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                Connection c = DriverManager.getConnection(db.dbUrl, db.user, db.password)) {
            Map<String, Object[]> questions = questions(c);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            consumer.subscribe(java.util.List.of(topic));
            int written = 0;
            try (PreparedStatement st = c.prepareStatement(UPSERT)) {
                while (written < events) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        bind(st, new String(r.value(), StandardCharsets.UTF_8), questions);
                        st.addBatch();
                    }
                    st.executeBatch();
                    c.commit();
                    consumer.commitAsync();
                    written += records.count();
                }
            }
            consumer.commitSync();
        }
    }

    private static void bind(PreparedStatement st, String json, Map<String, Object[]> questions)
            throws Exception {
        Map<String, Object> e = Json.parseObject(json);
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) e.get("payload");
        String questionId = (String) payload.get("questionId");
        Object[] q = questions.get(questionId);
        st.setString(1, (String) payload.get("wrongbookId"));
        st.setString(2, (String) payload.get("userId"));
        st.setString(3, questionId);
        st.setString(4, (String) payload.get("subject"));
        if (q == null) {
            st.setNull(5, Types.VARCHAR);
            st.setNull(6, Types.INTEGER);
        } else {
            st.setString(5, (String) q[0]);
            st.setInt(6, (Integer) q[1]);
        }
        st.setString(7, "OPEN");
        st.setLong(8, ((Number) e.get("timestamp")).longValue());
        Object score = payload.get("score");
        if (score == null) {
            st.setNull(9, Types.INTEGER);
        } else {
            st.setInt(9, ((Number) score).intValue());
        }
        Object source = payload.get("source");
        st.setString(10, source == null ? "app" : (String) source);
    }

    private static Map<String, Object[]> questions(Connection c) throws SQLException {
        Map<String, Object[]> m = new HashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT question_id, chapter, difficulty FROM dim_question")) {
            while (rs.next()) {
                m.put(rs.getString(1), new Object[] {rs.getString(2), rs.getInt(3)});
            }
        }
        return m;
    }
}
