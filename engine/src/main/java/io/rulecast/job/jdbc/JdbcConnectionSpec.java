package io.rulecast.job.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a MySQL/MariaDB database is, how to log in, and how long to wait for it: the one value
 * every JDBC user in the job (rules source, wide-table sink, table catalog, dimension lookups) is
 * built from. Serializable so that it travels with the operators; connections are opened on the
 * task managers.
 *
 * <p>Every connection gets a connect timeout and a socket (read) timeout unless the URL sets its
 * own: without a read timeout, a network that swallows packets blocks the reading task until the
 * operating system gives up on the connection, which takes hours.
 */
public final class JdbcConnectionSpec implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Default of {@code jdbc.connect.timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Default of {@code jdbc.socket.timeout}. */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);

    /** {@code user:password@} in the authority, and any {@code ...password...=value} parameter. */
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@?;]*):[^/@?;]*@");

    private static final Pattern URL_SECRET_PARAMETER =
            Pattern.compile("(?i)([?&;,(][^=&;?,()]*(?:password|secret)[^=&;?,()]*=)[^&;,)]*");

    private final String url;
    private final String user;
    private final String password;
    private final int connectTimeoutMs;
    private final int socketTimeoutMs;

    /** A database with the default timeouts. */
    public JdbcConnectionSpec(String url, String user, String password) {
        this(url, user, password, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT);
    }

    /**
     * @param connectTimeout longest wait for a TCP connection
     * @param socketTimeout longest wait for any read from the server (the login handshake
     *     included); must exceed the longest statement the user runs
     */
    public JdbcConnectionSpec(
            String url,
            String user,
            String password,
            Duration connectTimeout,
            Duration socketTimeout) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
        this.connectTimeoutMs = millis(connectTimeout, "connect timeout");
        this.socketTimeoutMs = millis(socketTimeout, "socket timeout");
    }

    private static int millis(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return (int) d.toMillis();
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(connectTimeoutMs);
    }

    public Duration socketTimeout() {
        return Duration.ofMillis(socketTimeoutMs);
    }

    /** The same database with other timeouts. */
    public JdbcConnectionSpec withTimeouts(Duration connectTimeout, Duration socketTimeout) {
        return new JdbcConnectionSpec(url, user, password, connectTimeout, socketTimeout);
    }

    /**
     * The same database with {@code rewriteBatchedStatements=true} added to the URL unless the URL
     * sets it already: Connector/J then sends a batch of inserts as one multi-row statement (11×
     * faster in our probes; update counts come back as {@code SUCCESS_NO_INFO}).
     */
    public JdbcConnectionSpec withBatchRewrite() {
        if (url.contains("rewriteBatchedStatements=")) {
            return this;
        }
        return new JdbcConnectionSpec(
                withParameter(url, "rewriteBatchedStatements=true"),
                user,
                password,
                connectTimeout(),
                socketTimeout());
    }

    /** Opens a new connection (auto-commit on) with this spec's timeouts; the caller closes it. */
    public Connection open() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        // Connector/J lets Properties override URL parameters: only fill in what the URL lacks.
        if (!url.contains("connectTimeout=")) {
            props.setProperty("connectTimeout", Integer.toString(connectTimeoutMs));
        }
        if (!url.contains("socketTimeout=")) {
            props.setProperty("socketTimeout", Integer.toString(socketTimeoutMs));
        }
        return DriverManager.getConnection(url, props);
    }

    static String withParameter(String url, String parameter) {
        return url + (url.indexOf('?') >= 0 ? "&" : "?") + parameter;
    }

    /**
     * {@code url} with the password of {@code //user:password@host} and the values of parameters
     * whose name contains "password" or "secret" replaced by {@code ***}: what logs and error
     * messages may show of a JDBC URL.
     */
    public static String maskPassword(String url) {
        if (url == null) {
            return null;
        }
        String masked = URL_USER_INFO.matcher(url).replaceAll("$1:***@");
        Matcher m = URL_SECRET_PARAMETER.matcher(masked);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)) + "***");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JdbcConnectionSpec s
                && url.equals(s.url)
                && Objects.equals(user, s.user)
                && Objects.equals(password, s.password)
                && connectTimeoutMs == s.connectTimeoutMs
                && socketTimeoutMs == s.socketTimeoutMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, user);
    }

    /** Never prints a password, neither the property nor one inside the URL. */
    @Override
    public String toString() {
        return (user == null ? "" : user + " @ ") + maskPassword(url);
    }
}
