package io.rulecast.cli.db;

import io.rulecast.cli.CliException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC URL with credentials, and the translation of what MySQL says into one line that names the
 * fix. Every command that touches the database goes through {@link #connect()} and {@link
 * #explain(SQLException)}.
 */
public final class Database {
    private static final Pattern URL =
            Pattern.compile("^jdbc:(?:mysql|mariadb)://([^/?#]*)(?:/([^?#]*))?.*$");
    private static final String URL_HINT = "set --jdbc-url or RULECAST_JDBC_URL";

    private final String url;
    private final String user;
    private final String password;
    private final String hostPort;
    private final String databaseName;

    public Database(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        Matcher m = URL.matcher(url == null ? "" : url);
        if (!m.matches()) {
            throw CliException.usage(
                    "'"
                            + url
                            + "' is not a MySQL JDBC URL: use jdbc:mysql://HOST:PORT/DATABASE ("
                            + URL_HINT
                            + ")");
        }
        String hosts = m.group(1).isEmpty() ? "127.0.0.1" : m.group(1);
        this.hostPort = hosts.contains(":") || hosts.contains(",") ? hosts : hosts + ":3306";
        this.databaseName = m.group(2) == null || m.group(2).isEmpty() ? null : m.group(2);
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

    /** {@code host:port} as the URL names it, for messages. */
    public String hostPort() {
        return hostPort;
    }

    /** The database the URL names, or null. */
    public String databaseName() {
        return databaseName;
    }

    /** A URL that creates its database on first connect, for {@code db migrate}. */
    public Database creatingDatabase() {
        requireDatabaseName();
        if (url.contains("createDatabaseIfNotExist")) {
            return this;
        }
        String sep = url.contains("?") ? "&" : "?";
        return new Database(url + sep + "createDatabaseIfNotExist=true", user, password);
    }

    public void requireDatabaseName() {
        if (databaseName == null) {
            throw CliException.usage(
                    "the JDBC URL '"
                            + url
                            + "' names no database: add one, e.g. jdbc:mysql://"
                            + hostPort
                            + "/rulecast ("
                            + URL_HINT
                            + ")");
        }
    }

    /** Opens a connection, or fails with a {@link CliException} that says what to do. */
    public Connection connect() {
        requireDatabaseName();
        Properties props = new Properties();
        props.setProperty("user", user == null ? "" : user);
        props.setProperty("password", password == null ? "" : password);
        // A dead host must not hang the command for the driver's default of minutes.
        props.setProperty("connectTimeout", "5000");
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw explain(e);
        }
    }

    /** The one line a person can act on, for a failure while connecting or querying. */
    public CliException explain(SQLException e) {
        int code = e.getErrorCode();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Throwable network = networkCause(e);
        if (network != null || state.startsWith("08")) {
            String why =
                    network instanceof UnknownHostException
                            ? "unknown host " + network.getMessage()
                            : network instanceof SocketTimeoutException
                                    ? "timed out"
                                    : network != null && network.getMessage() != null
                                            ? network.getMessage()
                                            : firstLine(e.getMessage());
            return CliException.unreachable(
                    "cannot reach MySQL at "
                            + hostPort
                            + ": "
                            + why
                            + " — is it running? "
                            + URL_HINT,
                    e);
        }
        if (code == 1045 || state.equals("28000")) {
            return CliException.unreachable(
                    "MySQL at "
                            + hostPort
                            + " refused user '"
                            + user
                            + "': "
                            + firstLine(e.getMessage())
                            + " — set --user/--password or RULECAST_DB_USER/RULECAST_DB_PASSWORD",
                    e);
        }
        if (code == 1049) {
            return CliException.unreachable(
                    "database '"
                            + databaseName
                            + "' does not exist on MySQL at "
                            + hostPort
                            + " — run 'rulecast db migrate' to create it, or "
                            + URL_HINT,
                    e);
        }
        if (code == 1146) {
            return CliException.unreachable(
                    firstLine(e.getMessage())
                            + " — run 'rulecast db migrate' to create the schema in '"
                            + databaseName
                            + "'",
                    e);
        }
        if (code == 1044 || code == 1142 || code == 1143) {
            return CliException.unreachable(
                    "user '"
                            + user
                            + "' may not do this on "
                            + hostPort
                            + ": "
                            + firstLine(e.getMessage()),
                    e);
        }
        if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
            return CliException.usage(
                    "'" + url + "' is not a MySQL JDBC URL: use jdbc:mysql://HOST:PORT/DATABASE");
        }
        return CliException.unreachable(
                "MySQL at " + hostPort + " failed: " + firstLine(e.getMessage()), e);
    }

    private static Throwable networkCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException
                    || c instanceof UnknownHostException
                    || c instanceof SocketTimeoutException) {
                return c;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    @Override
    public String toString() {
        return hostPort + "/" + databaseName;
    }
}
