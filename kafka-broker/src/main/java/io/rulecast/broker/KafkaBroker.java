package io.rulecast.broker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running in a
 * separate JVM, for integration tests and {@code rulecast demo}.
 *
 * <p>The broker runs {@code org.apache.kafka:kafka_2.13} from the jars named in the resource {@code
 * io/rulecast/broker/kafka.classpath}, written by the build of this module, or from a
 * distribution's {@code lib/kafka/} (see {@link ChildJvms}); the calling JVM loads no Kafka class.
 * A separate process keeps the broker's own kafka-clients, Jackson and Scala away from the caller's
 * classpath.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start()) {
 *     String bootstrap = broker.bootstrapServers(); // "127.0.0.1:<port>"
 * }
 * }</pre>
 *
 * <p>The broker stops on {@link #stop()}, on JVM shutdown (a shutdown hook), and when the parent
 * JVM dies without running its hooks (the broker watches its standard input, see {@link
 * ParentWatchdog}).
 */
public final class KafkaBroker implements AutoCloseable {
    /** Overrides the broker's classpath (system property), e.g. for a packaged distribution. */
    public static final String CLASSPATH_PROPERTY = "rulecast.kafka.classpath";

    /** Overrides the broker's classpath (environment variable). */
    public static final String CLASSPATH_ENV = "RULECAST_KAFKA_CLASSPATH";

    static final String CLASSPATH_RESOURCE = "kafka.classpath";
    private static final ChildJvms.Jars JARS =
            new ChildJvms.Jars(
                    "Kafka broker",
                    "kafka",
                    KafkaBroker.class,
                    CLASSPATH_RESOURCE,
                    CLASSPATH_PROPERTY,
                    CLASSPATH_ENV,
                    "resolve it with: mvn -pl kafka-broker package",
                    false);
    private static final String KAFKA_MAIN = "kafka.Kafka";
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";
    private static final int TAIL_LINES = 40;
    private static final int START_ATTEMPTS = 3;

    private final ChildJvm jvm;
    private final int port;
    private final int controllerPort;
    private final Path workDir;
    private final boolean deleteWorkDir;
    private final Thread shutdownHook;
    private boolean stopped;

    private KafkaBroker(
            ChildJvm jvm, int port, int controllerPort, Path workDir, boolean deleteWorkDir) {
        this.jvm = jvm;
        this.port = port;
        this.controllerPort = controllerPort;
        this.workDir = workDir;
        this.deleteWorkDir = deleteWorkDir;
        this.shutdownHook = new Thread(this::stopOnShutdown, "rulecast-kafka-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker on free ports in a fresh temporary directory. */
    public static KafkaBroker start() {
        return builder().start();
    }

    /** Options for a broker: ports, work directory, extra {@code server.properties}. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** Holds {@code server.properties}, the data ({@code data/}) and {@code broker.log}. */
    public Path workDir() {
        return workDir;
    }

    /** Standard output and error of the broker JVM. */
    public Path logFile() {
        return workDir.resolve("broker.log");
    }

    public long pid() {
        return jvm.pid();
    }

    public boolean isRunning() {
        return jvm.isAlive();
    }

    /**
     * Stops the broker: a graceful shutdown first, then a forced one after a timeout; deletes the
     * work directory if this broker created it. Safe to call more than once.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to run; it does the same work.
        }
        terminate(Duration.ofSeconds(20));
        if (deleteWorkDir) {
            ChildJvms.deleteRecursively(workDir);
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", pid " + jvm.pid() + "]";
    }

    private void stopOnShutdown() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        // The JVM is going down: do not hold it up for long.
        terminate(Duration.ofSeconds(5));
        if (deleteWorkDir) {
            ChildJvms.deleteRecursively(workDir);
        }
    }

    private void terminate(Duration graceful) {
        jvm.stop(graceful);
    }

    /** Builds and starts a {@link KafkaBroker}. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path workDir;
        private Duration startTimeout = Duration.ofSeconds(60);
        private String maxHeap = "512m";
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {}

        /** The PLAINTEXT port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** The controller port; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controllerPort");
            return this;
        }

        /**
         * Keeps the broker's files (and its topics) in this directory across runs; it is not
         * deleted on stop. By default a temporary directory is created and deleted on stop.
         */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** How long to wait for the broker to answer requests (default 60 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** The broker JVM's {@code -Xmx} (default {@code 512m}). */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        /** Adds or overrides one {@code server.properties} entry. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /**
         * Starts the broker and waits until it answers requests.
         *
         * @throws KafkaBrokerException if the jars are missing, the broker dies during start-up, or
         *     it does not answer within the start timeout
         */
        public KafkaBroker start() {
            List<String> classpath = brokerClasspath();
            KafkaBrokerException last = null;
            // A free port can be taken by someone else between choosing it and the broker binding
            // it.
            int attempts = port == 0 || controllerPort == 0 ? START_ATTEMPTS : 1;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                try {
                    return startOnce(classpath);
                } catch (PortTakenException e) {
                    last = e;
                }
            }
            throw last;
        }

        private KafkaBroker startOnce(List<String> classpath) {
            boolean ownDir = workDir == null;
            Path dir;
            try {
                dir = ownDir ? Files.createTempDirectory("rulecast-kafka-") : workDir;
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new KafkaBrokerException(
                        "cannot create the Kafka work directory: " + e.getMessage(), e);
            }
            int[] ports = choosePorts(port, controllerPort);
            try {
                Path config = dir.resolve("server.properties");
                Files.writeString(config, serverProperties(dir, ports[0], ports[1]));
                if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                    formatStorage(classpath, dir, config);
                }
                ChildJvm jvm = launch(classpath, dir, config);
                KafkaBroker broker = new KafkaBroker(jvm, ports[0], ports[1], dir, ownDir);
                try {
                    awaitReady(broker);
                } catch (RuntimeException e) {
                    broker.stop();
                    throw e;
                }
                return broker;
            } catch (IOException e) {
                if (ownDir) {
                    ChildJvms.deleteRecursively(dir);
                }
                throw new KafkaBrokerException("cannot start the Kafka broker: " + e, e);
            } catch (RuntimeException e) {
                if (ownDir) {
                    ChildJvms.deleteRecursively(dir);
                }
                throw e;
            }
        }

        private String serverProperties(Path dir, int brokerPort, int controlPort) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controlPort);
            p.put(
                    "listeners",
                    "PLAINTEXT://127.0.0.1:"
                            + brokerPort
                            + ",CONTROLLER://127.0.0.1:"
                            + controlPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
            p.put("log.dirs", dir.resolve("data").toAbsolutePath().toString());
            p.put("num.partitions", "1");
            // One node: internal topics cannot have more than one replica, and few partitions
            // make the first consumer group and the first transaction fast.
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "true");
            p.putAll(properties);
            StringBuilder out = new StringBuilder("# Written by io.rulecast.broker.KafkaBroker\n");
            p.forEach(
                    (k, v) ->
                            out.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            return out.toString();
        }

        private static void formatStorage(List<String> classpath, Path dir, Path config)
                throws IOException {
            Path log = dir.resolve("format.log");
            List<String> command = new ArrayList<>();
            command.add(ChildJvms.javaExecutable());
            // Short-lived: the C1 compiler alone starts faster.
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Xmx256m");
            command.add("-cp");
            command.add(String.join(java.io.File.pathSeparator, classpath));
            command.add(STORAGE_TOOL);
            command.add("format");
            command.add("--cluster-id");
            command.add(randomClusterId());
            command.add("--config");
            command.add(config.toString());
            command.add("--ignore-formatted");
            Process format =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            try {
                if (!format.waitFor(60, TimeUnit.SECONDS)) {
                    format.destroyForcibly();
                    throw new KafkaBrokerException(
                            "Kafka storage format did not finish within 60 s; output:\n"
                                    + ChildJvms.tail(log, TAIL_LINES));
                }
            } catch (InterruptedException e) {
                format.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new KafkaBrokerException("interrupted while formatting Kafka storage", e);
            }
            if (format.exitValue() != 0) {
                throw new KafkaBrokerException(
                        "Kafka storage format failed with exit code "
                                + format.exitValue()
                                + "; output:\n"
                                + ChildJvms.tail(log, TAIL_LINES));
            }
        }

        private ChildJvm launch(List<String> classpath, Path dir, Path config) throws IOException {
            return ChildJvm.builder("Kafka broker")
                    .jvmOption("-Xmx" + maxHeap)
                    .jvmOption("-Djava.awt.headless=true")
                    .jvmOption("-Dorg.slf4j.simpleLogger.showDateTime=true")
                    .jvmOption("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS")
                    .classpath(classpath)
                    .main(KAFKA_MAIN, List.of(config.toString()))
                    .workDir(dir)
                    .log(dir.resolve("broker.log"))
                    .start();
        }

        private void awaitReady(KafkaBroker broker) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (true) {
                if (!broker.jvm.isAlive()) {
                    String tail = ChildJvms.tail(broker.logFile(), TAIL_LINES);
                    String message =
                            "Kafka broker exited with code "
                                    + broker.jvm.process().exitValue()
                                    + " during start-up; last lines of "
                                    + broker.logFile()
                                    + ":\n"
                                    + tail;
                    if (tail.contains("Address already in use")) {
                        throw new PortTakenException(message);
                    }
                    throw new KafkaBrokerException(message);
                }
                if (answersApiVersions(broker.port)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new KafkaBrokerException(
                            "Kafka broker did not answer on "
                                    + broker.bootstrapServers()
                                    + " within "
                                    + startTimeout.toSeconds()
                                    + " s; last lines of "
                                    + broker.logFile()
                                    + ":\n"
                                    + ChildJvms.tail(broker.logFile(), TAIL_LINES));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaBrokerException("interrupted while waiting for the broker", e);
                }
            }
        }

        private static int checkPort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 0..65535, got " + port);
            }
            return port;
        }
    }

    /**
     * True when the broker handles an ApiVersions request. An open port alone is not enough: the
     * listener binds early, but requests are served only once the broker has joined the quorum.
     */
    static boolean answersApiVersions(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(2000);
            byte[] clientId = "rulecast-probe".getBytes(StandardCharsets.UTF_8);
            int correlationId = 0x52434b31;
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            // Request header v1 + empty ApiVersions v0 body.
            out.writeInt(2 + 2 + 4 + 2 + clientId.length);
            out.writeShort(18); // ApiVersions
            out.writeShort(0);
            out.writeInt(correlationId);
            out.writeShort(clientId.length);
            out.write(clientId);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            if (size < 6) {
                return false;
            }
            return in.readInt() == correlationId && in.readShort() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static List<String> brokerClasspath() {
        return ChildJvms.classpath(JARS, KafkaBrokerException::new);
    }

    private static int[] choosePorts(int brokerPort, int controlPort) {
        // Both sockets are held open together so the two free ports differ.
        try (ServerSocket a = new ServerSocket(brokerPort, 1, InetAddress.getLoopbackAddress());
                ServerSocket b =
                        new ServerSocket(controlPort, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new PortTakenException(
                    "port "
                            + (brokerPort != 0 ? brokerPort : controlPort)
                            + " on 127.0.0.1 is in use: stop what holds it or choose another port");
        }
    }

    /**
     * A cluster id as Kafka makes them: 16 random bytes, URL-safe base64, not starting with '-'.
     */
    static String randomClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    /** The chosen port was taken before the broker could bind it; worth another try. */
    private static final class PortTakenException extends KafkaBrokerException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
