package io.rulecast.bench;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.sink.TableWrite;
import io.rulecast.job.sink.WideTableSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Rulecast's wide-table sink without the rest of the job: a Flink job whose source makes the
 * benchmark's wide-table rows from a sequence number (no Kafka, no rule) and hands them to {@link
 * WideTableSink#attach} — the same keyBy by row key and sink operator the real job uses — at
 * parallelism 1. What it writes has the shape of the wrongbook_add rows (10 columns, same types,
 * similar lengths), keyed {@code wb-0 .. wb-(n-1)} like the backlog.
 */
final class SinkAloneBench {
    private SinkAloneBench() {}

    /** Runs the job to its end: {@code n} rows written through {@code connections} connections. */
    static void run(BenchDatabase db, int n, int batchSize, int connections) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        WideTableSink sink =
                WideTableSink.builder()
                        .connection(new JdbcConnectionSpec(db.dbUrl, db.user, db.password))
                        .allowedTables(Set.of(BenchDatabase.TABLE))
                        .batchSize(batchSize)
                        .connections(connections)
                        .build();
        sink.attach(
                env.fromSequence(0, n - 1).map(new RowOf()),
                Map.of(BenchDatabase.TABLE, List.of("wrongbook_id")));
        // No dead letters expected; the sink operator is part of the job without a sink after it.
        env.execute("rulecast-sink-alone");
    }

    /** Row {@code i}: the wrongbook_add rule's output for a made-up event {@code i}. */
    static final class RowOf implements MapFunction<Long, TableWrite> {
        private static final long serialVersionUID = 1L;

        @Override
        public TableWrite map(Long i) {
            long h = i * 0x9E3779B97F4A7C15L;
            int q = (int) Math.floorMod(h >>> 20, 1000L);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("wrongbook_id", "wb-" + i);
            row.put("user_id", "u-" + Math.floorMod(h >>> 7, 5000L));
            row.put("question_id", "q-" + q);
            row.put("subject", BenchData.SUBJECTS[(int) Math.floorMod(h >>> 33, 5L)]);
            row.put("chapter", q < 900 ? "chapter-" + (q % 40) : null);
            row.put("difficulty", q < 900 ? 1 + q % 5 : null);
            row.put("status", "OPEN");
            row.put("add_time", 1763800000000L + i * 1000L);
            row.put("score", (int) Math.floorMod(h >>> 41, 100L));
            row.put("source", (h & 1) == 0 ? "pad" : "app");
            return new TableWrite(
                    TableWrite.Kind.UPSERT,
                    BenchDatabase.TABLE,
                    row,
                    "wrongbook_add",
                    "1",
                    "e-" + i,
                    1763800000000L + i * 1000L);
        }
    }
}
