package io.rulecast.cli.demo;

import io.rulecast.cli.text.TextTable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo reads from {@code dwd_wrongbook_wide} and how it shows it: a handful of the table's
 * columns, aligned for a terminal.
 */
public final class WideTableView {
    public static final String TABLE = "dwd_wrongbook_wide";
    private static final String COLUMNS =
            "wrongbook_id, student_name, subject, chapter, add_source, status, wrong_count,"
                    + " fix_minutes, update_time";
    private static final List<String> HEADERS =
            List.of(
                    "wrongbook_id",
                    "student",
                    "subject",
                    "chapter",
                    "add_source",
                    "status",
                    "wrong_count",
                    "fix_minutes");

    /** One row as shown, with the database's write time. */
    public record Row(List<Object> cells, Timestamp updateTime, String addSource) {}

    private final Connection conn;

    public WideTableView(Connection conn) {
        this.conn = conn;
    }

    public int count() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM " + TABLE);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Rows by {@code status}, e.g. {@code OPEN 98, FIXED 45}. */
    public Map<String, Integer> statusCounts() throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (PreparedStatement ps =
                        conn.prepareStatement(
                                "SELECT COALESCE(status, '(none)'), COUNT(*) FROM "
                                        + TABLE
                                        + " GROUP BY status ORDER BY COUNT(*) DESC");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    /** The first {@code limit} rows by key. */
    public List<Row> first(int limit) throws SQLException {
        return query(
                "SELECT " + COLUMNS + " FROM " + TABLE + " ORDER BY wrongbook_id LIMIT " + limit);
    }

    /** Rows whose key starts with {@code prefix}, in the order they were written. */
    public List<Row> withPrefix(String prefix) throws SQLException {
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "SELECT "
                                + COLUMNS
                                + " FROM "
                                + TABLE
                                + " WHERE wrongbook_id LIKE ? ORDER BY update_time, wrongbook_id")) {
            ps.setString(1, prefix + "%");
            return read(ps);
        }
    }

    private List<Row> query(String sql) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            return read(ps);
        }
    }

    private static List<Row> read(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Object> cells = new ArrayList<>();
                for (int i = 1; i <= HEADERS.size(); i++) {
                    cells.add(rs.getObject(i));
                }
                out.add(new Row(cells, rs.getTimestamp("update_time"), rs.getString("add_source")));
            }
        }
        return out;
    }

    /** The rows as a table, with extra columns appended by {@code extra} (may be null). */
    public static void print(
            PrintWriter out,
            String indent,
            List<Row> rows,
            List<String> extraHeaders,
            java.util.function.Function<Row, List<?>> extra) {
        List<String> headers = new ArrayList<>(HEADERS);
        if (extraHeaders != null) {
            headers.addAll(extraHeaders);
        }
        TextTable t = new TextTable(headers).indent(indent).ruled().nullAs("-");
        for (Row r : rows) {
            List<Object> cells = new ArrayList<>(r.cells());
            if (extra != null) {
                cells.addAll(extra.apply(r));
            }
            t.row(cells);
        }
        t.print(out);
    }
}
