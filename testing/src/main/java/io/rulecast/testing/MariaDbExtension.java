package io.rulecast.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh database on a real MariaDB or MySQL server for each test class: created before the
 * class's first test and dropped after its last one, so classes never see each other's tables.
 *
 * <pre>{@code
 * @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
 *
 * @Test
 * void roundTrip() {
 *     DB.execute("CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
 *     assertEquals(1, DB.query("SELECT id FROM t").get(0).get("id"));
 * }
 * }</pre>
 *
 * <p>The server comes from {@value #URL_ENV} (default {@value #DEFAULT_URL}); user and password
 * from {@value #USER_ENV} (default {@code root}) and {@value #PASSWORD_ENV} (default empty). The
 * same names also work as system properties in lower case with dots ({@code
 * rulecast.test.jdbc.url}).
 */
public final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback {
    public static final String URL_ENV = "RULECAST_TEST_JDBC_URL";
    public static final String USER_ENV = "RULECAST_TEST_DB_USER";
    public static final String PASSWORD_ENV = "RULECAST_TEST_DB_PASSWORD";
    public static final String DEFAULT_URL = "jdbc:mysql://127.0.0.1:3306/";

    /**
     * Options every test connection gets unless the URL sets them: batched statements rewritten
     * into multi-row inserts (as the job's sinks use them), UTF-8 (utf8mb4) on the wire, and a
     * bounded connect time so an unreachable host fails fast.
     */
    private static final Map<String, String> DEFAULT_OPTIONS =
            Map.of(
                    "rewriteBatchedStatements", "true",
                    "characterEncoding", "UTF-8",
                    "allowPublicKeyRetrieval", "true",
                    "connectTimeout", "10000");

    private final String base;
    private final Map<String, String> options;
    private final String user;
    private final String password;
    private volatile String database;

    /** Uses the server, user and password from the environment (see the class comment). */
    public MariaDbExtension() {
        this(setting(URL_ENV, DEFAULT_URL), setting(USER_ENV, "root"), setting(PASSWORD_ENV, ""));
    }

    /**
     * @param serverUrl a {@code jdbc:mysql://host:port/} URL; a database in it is ignored, its
     *     options are kept
     */
    public MariaDbExtension(String serverUrl, String user, String password) {
        int hostStart = serverUrl.indexOf("//");
        if (!serverUrl.startsWith("jdbc:") || hostStart < 0) {
            throw new IllegalArgumentException(
                    URL_ENV + " must look like " + DEFAULT_URL + ", got " + serverUrl);
        }
        int query = serverUrl.indexOf('?');
        String withoutQuery = query < 0 ? serverUrl : serverUrl.substring(0, query);
        int pathStart = withoutQuery.indexOf('/', hostStart + 2);
        this.base = pathStart < 0 ? withoutQuery : withoutQuery.substring(0, pathStart);
        this.options = new LinkedHashMap<>(new java.util.TreeMap<>(DEFAULT_OPTIONS));
        if (query >= 0) {
            for (String pair : serverUrl.substring(query + 1).split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    options.put(
                            eq < 0 ? pair : pair.substring(0, eq),
                            eq < 0 ? "" : pair.substring(eq + 1));
                }
            }
        }
        this.user = user;
        this.password = password == null ? "" : password;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = createDatabase(context.getRequiredTestClass().getSimpleName());
    }

    /** Creates a uniquely named database for the test class; returns its name. */
    String createDatabase(String testClass) {
        String name = databaseNameFor(testClass);
        try (Connection c = DriverManager.getConnection(serverUrl(), user, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException(describeConnectFailure(e));
        }
        return name;
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        String name = database;
        database = null;
        if (name == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(serverUrl(), user, password);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }

    /** URL of this class's test database, with the connection options. */
    public String jdbcUrl() {
        return base + "/" + databaseName() + "?" + query();
    }

    /** URL of the server without a database, with the connection options. */
    public String serverUrl() {
        return base + "/?" + query();
    }

    /** Name of this class's test database, unique per run and class. */
    public String databaseName() {
        String name = database;
        if (name == null) {
            throw new IllegalStateException(
                    "MariaDbExtension is not active: register it with @RegisterExtension static"
                            + " final MariaDbExtension DB = new MariaDbExtension(); and use it"
                            + " from tests");
        }
        return name;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A new connection to the test database; the caller closes it. */
    public Connection connection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /**
     * Runs statements in order on one connection (auto-commit).
     *
     * @throws IllegalStateException naming the statement, with the {@link SQLException} as cause
     */
    public void execute(String... sql) {
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            for (String statement : sql) {
                try {
                    s.execute(statement);
                } catch (SQLException e) {
                    throw new IllegalStateException(
                            "SQL failed: " + e.getMessage() + "\n  in: " + statement, e);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + jdbcUrl() + ": " + e, e);
        }
    }

    /**
     * Runs a query; each row is a map from column label to the JDBC value, in column order.
     *
     * @throws IllegalStateException naming the query, with the {@link SQLException} as cause
     */
    public List<Map<String, Object>> query(String sql) {
        try (Connection c = connection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage() + "\n  in: " + sql, e);
        }
    }

    private String query() {
        StringBuilder sb = new StringBuilder();
        options.forEach(
                (k, v) -> {
                    if (sb.length() > 0) {
                        sb.append('&');
                    }
                    sb.append(k).append('=').append(v);
                });
        return sb.toString();
    }

    static String databaseNameFor(String testClass) {
        String cleaned = testClass.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (cleaned.length() > 40) {
            cleaned = cleaned.substring(0, 40);
        }
        return "rt_" + cleaned + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One line: what failed, why, and what to do about it. */
    private String describeConnectFailure(SQLException e) {
        String server = base + "/";
        String cause = rootMessage(e);
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("28000") || e.getErrorCode() == 1045) {
            return "MariaDB at "
                    + server
                    + " refused user '"
                    + user
                    + "': "
                    + cause
                    + " - set "
                    + USER_ENV
                    + " / "
                    + PASSWORD_ENV
                    + ", or let root log in over TCP with an empty password";
        }
        if (state.startsWith("08") || cause.contains("No suitable driver")) {
            return "MariaDB is not reachable at "
                    + server
                    + ": "
                    + cause
                    + " - start it: start-stop-daemon --start --oknodo --background --exec"
                    + " /usr/sbin/mariadbd, or set "
                    + URL_ENV;
        }
        return "cannot create a test database on "
                + server
                + " as '"
                + user
                + "': "
                + cause
                + " - check the server, or set "
                + URL_ENV;
    }

    private static String rootMessage(Throwable e) {
        String first = firstLine(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == e) {
            return first;
        }
        return first + " (" + firstLine(root.getMessage()) + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String setting(String env, String fallback) {
        String property = System.getProperty(env.toLowerCase(Locale.ROOT).replace('_', '.'));
        if (property != null) {
            return property;
        }
        String value = System.getenv(env);
        if (value == null) {
            return fallback;
        }
        // An empty password is meaningful; an empty URL or user is not.
        return value.isEmpty() && !env.equals(PASSWORD_ENV) ? fallback : value;
    }
}
