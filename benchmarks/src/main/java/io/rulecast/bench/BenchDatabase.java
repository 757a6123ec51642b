package io.rulecast.bench;

import io.rulecast.schema.SchemaMigrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end benchmark's database: Rulecast's schema, the wide table and {@code dim_question}
 * in a database of its own, the rule row, and the queries that measure.
 */
final class BenchDatabase {
    static final String TABLE = "dwd_wrongbook_wide";

    final String serverUrl;
    final String user;
    final String password;
    String dbUrl;

    BenchDatabase(String serverUrl, String user, String password) {
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
    }

    void create(String db) throws SQLException {
        execute(serverUrl, "CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4");
        int q = serverUrl.indexOf('?');
        String base = q < 0 ? serverUrl : serverUrl.substring(0, q);
        dbUrl =
                (base.endsWith("/") ? base : base + "/")
                        + db
                        + "?rewriteBatchedStatements=true&characterEncoding=UTF-8"
                        + "&allowPublicKeyRetrieval=true";
        SchemaMigrator.migrate(dbUrl, user, password);
        execute(
                dbUrl,
                "CREATE TABLE "
                        + TABLE
                        + " (wrongbook_id VARCHAR(64) PRIMARY KEY, user_id VARCHAR(64),"
                        + " question_id VARCHAR(64), subject VARCHAR(32), chapter VARCHAR(64),"
                        + " difficulty INT, status VARCHAR(8), add_time BIGINT, score INT,"
                        + " source VARCHAR(16), rev INT,"
                        + " written_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
                        + " ON UPDATE CURRENT_TIMESTAMP(3))",
                "CREATE TABLE dim_question (question_id VARCHAR(64) PRIMARY KEY,"
                        + " chapter VARCHAR(64), difficulty INT)");
        // The same questions as BenchData.questions(): 900 of the 1,000 ids the events use.
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                PreparedStatement st =
                        c.prepareStatement("INSERT INTO dim_question VALUES (?, ?, ?)")) {
            for (int i = 0; i < 900; i++) {
                st.setString(1, "q-" + i);
                st.setString(2, "chapter-" + (i % 40));
                st.setInt(3, 1 + i % 5);
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    long setRule(String language, String script, String config) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                PreparedStatement st =
                        c.prepareStatement(
                                "INSERT INTO routing_configs (domain, event_type, rule_name,"
                                        + " language, script, config_json, enabled, priority)"
                                        + " VALUES ('wrongbook', 'wrongbook_add', 'main', ?, ?, ?,"
                                        + " 1, 0)",
                                Statement.RETURN_GENERATED_KEYS)) {
            st.setString(1, language);
            st.setString(2, script);
            st.setString(3, config == null ? "{\"output_table\": \"" + TABLE + "\"}" : config);
            st.executeUpdate();
            try (ResultSet keys = st.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    double[] latencies(String prefix) throws SQLException {
        List<Double> ms = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT UNIX_TIMESTAMP(written_at) * 1000 - add_time FROM "
                                        + TABLE
                                        + " WHERE wrongbook_id LIKE '"
                                        + prefix
                                        + "-%'")) {
            while (rs.next()) {
                ms.add(rs.getDouble(1));
            }
        }
        ms.sort(Double::compare);
        return new double[] {
            EndToEndBenchmark.percentile(ms, 50), EndToEndBenchmark.percentile(ms, 99)
        };
    }

    void awaitQuery(String countQuery, long n) throws Exception {
        awaitQuery(countQuery, n, Duration.ofMinutes(2));
    }

    void awaitQuery(String countQuery, long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queryDoubles(countQuery)[0] < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "timed out after " + timeout + " waiting for " + n + ": " + countQuery);
            }
            Thread.sleep(100);
        }
    }

    double[] queryDoubles(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl, user, password);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            int cols = rs.getMetaData().getColumnCount();
            double[] out = new double[cols];
            for (int i = 0; i < cols; i++) {
                out[i] = rs.getDouble(i + 1);
            }
            return out;
        }
    }

    void execute(String url, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    int rows() throws SQLException {
        return (int) queryDoubles("SELECT COUNT(*) FROM " + TABLE)[0];
    }
}
