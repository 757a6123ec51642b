package io.rulecast.cli.demo;

import io.rulecast.broker.ChildJvms;
import io.rulecast.broker.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

/**
 * Everything the demo starts — the Kafka broker, an embedded MariaDB, the Flink job, clients — and
 * its temporary work directory. {@link #close()} stops them in reverse order and deletes the
 * directory; a shutdown hook does the same on Ctrl-C, so the demo leaves no process behind however
 * it ends (the broker and the embedded database also stop by themselves when this JVM is killed
 * outright: they run under the watchdog of {@link io.rulecast.broker.ChildJvm}).
 */
public final class DemoEnvironment implements AutoCloseable {
    private final Path workDir;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Thread shutdownHook;
    private boolean closed;

    private DemoEnvironment(Path workDir) {
        this.workDir = workDir;
        this.shutdownHook = new Thread(this::closeOnShutdown, "rulecast-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A fresh work directory under the system's temporary directory. */
    public static DemoEnvironment create() {
        try {
            return new DemoEnvironment(Files.createTempDirectory("rulecast-demo-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /** True once the environment is stopping (by {@link #close()} or the shutdown hook). */
    public synchronized boolean isClosed() {
        return closed;
    }

    public Path workDir() {
        return workDir;
    }

    /** A broker on free ports, its data under the work directory. */
    public KafkaBroker startBroker() {
        KafkaBroker broker = KafkaBroker.builder().workDir(workDir.resolve("kafka")).start();
        return register(broker);
    }

    /** MariaDB unpacked and run under the work directory. */
    public EmbeddedMariaDb startEmbeddedMariaDb(Duration timeout) {
        return register(EmbeddedMariaDb.start(workDir.resolve("mariadb"), timeout));
    }

    /** The running job: cancelled on close, before the broker and database go away. */
    public void jobStarted(JobClient job) {
        register(() -> job.cancel().get(30, TimeUnit.SECONDS));
    }

    /** Closed with the environment, before what was registered earlier. */
    public synchronized <T extends AutoCloseable> T register(T resource) {
        if (closed) {
            closeQuietly(resource);
            throw new IllegalStateException("the demo is shutting down");
        }
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running this very method
        }
        release();
    }

    private void closeOnShutdown() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        release();
    }

    private void release() {
        AutoCloseable r;
        while ((r = poll()) != null) {
            closeQuietly(r);
        }
        ChildJvms.deleteRecursively(workDir);
    }

    private synchronized AutoCloseable poll() {
        return resources.poll();
    }

    private static void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Exception ignored) {
            // Best effort: the next resource must still be stopped.
        }
    }
}
