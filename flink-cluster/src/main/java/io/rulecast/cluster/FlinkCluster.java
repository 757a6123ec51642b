package io.rulecast.cluster;

import io.rulecast.broker.ChildJvms;
import io.rulecast.broker.ParentWatchdog;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster on this machine, every process a separate JVM started the way
 * Flink's own scripts start them: a JobManager ({@code StandaloneSessionClusterEntrypoint}) and
 * TaskManagers ({@code TaskManagerRunner}) reading a generated {@code conf/config.yaml}, with JVM
 * memory flags computed by Flink's {@code BashJavaUtils}. Jobs are submitted through Flink's CLI
 * frontend ({@code flink run}).
 *
 * <p>Flink's jars come from the resource {@code io/rulecast/cluster/flink.classpath}, written by
 * the build of this module from Maven Central artifacts (Flink publishes no distribution jar
 * there): the calling JVM loads no Flink class through this class.
 *
 * <pre>{@code
 * try (FlinkCluster flink = FlinkCluster.builder().taskManagers(2).start()) {
 *     String jobId = flink.submit(jar, 2, "--config", "job.properties");
 *     flink.awaitJobRunning(jobId, Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>Every process stops on {@link #close()}, on JVM shutdown, and when this JVM dies without
 * running its hooks (each Flink JVM watches its standard input, see {@link ParentWatchdog}).
 */
public final class FlinkCluster implements AutoCloseable {
    /** Overrides Flink's classpath (system property). */
    public static final String CLASSPATH_PROPERTY = "rulecast.flink.classpath";

    static final String CLASSPATH_RESOURCE = "flink.classpath";
    private static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String CLI_MAIN = "org.apache.flink.client.cli.CliFrontend";
    private static final String BASH_JAVA_UTILS =
            "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern VERTEX_STATUS =
            Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern TASK_MANAGERS = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");
    private static final int TAIL_LINES = 60;

    /**
     * What the {@code config.yaml} of Flink's binary distribution sets as {@code env.java.opts.all}
     * for JDK 17, and its scripts pass to every JVM, the CLI included (without them the CLI fails
     * to translate a job graph: "module java.base does not opens java.util").
     */
    static final List<String> FLINK_JVM_OPTIONS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final List<String> classpath;
    private final Path workDir;
    private final Path confDir;
    private final int restPort;
    private final List<String> taskManagerJvm;
    private final List<String> taskManagerDynamic;
    private final List<String> jvmOptions;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<FlinkProcess> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "rulecast-flink-cluster-shutdown");
    private int taskManagerCount;
    private boolean closed;

    private FlinkCluster(
            List<String> classpath,
            Path workDir,
            int restPort,
            List<String> jvmOptions,
            Duration timeout)
            throws IOException {
        this.classpath = classpath;
        this.workDir = workDir;
        this.confDir = workDir.resolve("conf");
        this.restPort = restPort;
        this.jvmOptions = jvmOptions;
        this.timeout = timeout;
        List<String> tm = resourceParams("GET_TM_RESOURCE_PARAMS");
        this.taskManagerJvm = split(tm.get(0));
        this.taskManagerDynamic = split(tm.get(1));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Options for a cluster: TaskManagers, slots, {@code config.yaml} entries. */
    public static Builder builder() {
        return new Builder();
    }

    /** The REST endpoint, e.g. {@code http://127.0.0.1:8081}. */
    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** Holds {@code conf/}, the processes' logs ({@code logs/}) and checkpoints. */
    public Path workDir() {
        return workDir;
    }

    /** The processes started so far (running or not), in start order. */
    public synchronized List<FlinkProcess> processes() {
        return List.copyOf(processes);
    }

    /** The TaskManagers that are still running. */
    public synchronized List<FlinkProcess> runningTaskManagers() {
        return processes.stream()
                .filter(p -> p.role() == Role.TASK_MANAGER && p.isAlive())
                .toList();
    }

    /** Starts one more TaskManager; it registers with the JobManager by itself. */
    public synchronized FlinkProcess startTaskManager() {
        taskManagerCount++;
        String name = "taskmanager-" + taskManagerCount;
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(taskManagerDynamic);
        // Its name in the REST API, so that a test can tell a new TaskManager from a dead one.
        args.addAll(List.of("-D", "taskmanager.resource-id=" + name));
        return launch(Role.TASK_MANAGER, name, taskManagerJvm, args);
    }

    /**
     * The ids of the TaskManagers the JobManager knows (dead ones until their heartbeat times out).
     */
    public List<String> registeredTaskManagers() {
        String body = get("/taskmanagers");
        List<String> ids = new ArrayList<>();
        if (body != null) {
            Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** Waits until the JobManager knows exactly these TaskManagers (by name). */
    public void awaitRegistered(List<String> names, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            checkAlive();
            seen = registeredTaskManagers();
            if (seen.size() == names.size() && seen.containsAll(names)) {
                return;
            }
            sleep(200);
        }
        throw new FlinkClusterException(
                "expected TaskManagers "
                        + names
                        + " within "
                        + within.toSeconds()
                        + " s, the JobManager knows "
                        + seen
                        + "\n"
                        + logTails());
    }

    /**
     * Kills a process with SIGKILL, as a crashed machine or the OOM killer would: no shutdown hook,
     * no goodbye to the JobManager.
     *
     * @return the exit code (137 on Linux)
     */
    public int kill(FlinkProcess process) {
        process.process().destroyForcibly();
        try {
            if (!process.process().waitFor(30, TimeUnit.SECONDS)) {
                throw new FlinkClusterException(process + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted while killing " + process, e);
        }
        return process.process().exitValue();
    }

    /** Waits until exactly {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            checkAlive();
            String overview = get("/overview");
            if (overview != null) {
                Matcher m = TASK_MANAGERS.matcher(overview);
                if (m.find()) {
                    seen = Integer.parseInt(m.group(1));
                    if (seen == count) {
                        return;
                    }
                }
            }
            sleep(200);
        }
        throw new FlinkClusterException(
                "expected "
                        + count
                        + " registered TaskManagers within "
                        + within.toSeconds()
                        + " s, saw "
                        + seen
                        + "\n"
                        + logTails());
    }

    /**
     * Submits a job jar with {@code flink run -d -p <parallelism> <jar> <args>} (Flink's {@code
     * CliFrontend} in its own JVM, configured by this cluster's {@code conf/}).
     *
     * @return the job id
     */
    public String submit(Path jar, int parallelism, String... jobArgs) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "-d",
                                "-p",
                                String.valueOf(parallelism),
                                jar.toAbsolutePath().toString()));
        args.addAll(Arrays.asList(jobArgs));
        CliResult result = runCli(args);
        Matcher m = SUBMITTED.matcher(result.output());
        if (result.exitCode() != 0 || !m.find()) {
            throw new FlinkClusterException(
                    "flink run exited with "
                            + result.exitCode()
                            + " and no job id; output:\n"
                            + ChildJvms.tail(result.output(), TAIL_LINES));
        }
        return m.group(1);
    }

    /** Runs Flink's CLI frontend ({@code bin/flink ARGS}) against this cluster; waits for it. */
    public CliResult runCli(List<String> args) {
        Path log = workDir.resolve("logs").resolve("cli-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>();
        command.add(ChildJvms.javaExecutable());
        command.add("-Xmx384m");
        command.addAll(FLINK_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j-cli.properties").toUri());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(CLI_MAIN);
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        pb.environment().put("FLINK_CONF_DIR", confDir.toString());
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new FlinkClusterException(
                        "flink " + args + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new CliResult(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FlinkClusterException("cannot run flink " + args + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted while running flink " + args, e);
        }
    }

    /** The job's state from the REST API ({@code RUNNING}, {@code RESTARTING}, ...), or null. */
    public String jobState(String jobId) {
        String body = get("/jobs/" + jobId);
        if (body == null) {
            return null;
        }
        Matcher m = STATE.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Waits until the job and all its tasks run.
     *
     * @throws FlinkClusterException if they do not within {@code within}
     */
    public void awaitJobRunning(String jobId, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            checkAlive();
            String body = get("/jobs/" + jobId);
            if (body != null) {
                Matcher m = STATE.matcher(body);
                state = m.find() ? m.group(1) : null;
                if ("RUNNING".equals(state) && allVerticesRunning(body)) {
                    return;
                }
                if ("FAILED".equals(state) || "CANCELED".equals(state)) {
                    break;
                }
            }
            sleep(200);
        }
        throw new FlinkClusterException(
                "job "
                        + jobId
                        + " not running within "
                        + within.toSeconds()
                        + " s (state "
                        + state
                        + ")\n"
                        + logTails());
    }

    private static boolean allVerticesRunning(String jobJson) {
        Matcher m = VERTEX_STATUS.matcher(jobJson);
        boolean any = false;
        while (m.find()) {
            any = true;
            if (!"RUNNING".equals(m.group(1))) {
                return false;
            }
        }
        return any;
    }

    /** How often the job restarted ({@code numRestarts}), or -1 if the metric is not there. */
    public long restarts(String jobId) {
        String body = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        if (body == null) {
            return -1;
        }
        Matcher m = Pattern.compile("\"value\"\\s*:\\s*\"(\\d+)\"").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** How many checkpoints of the job completed, or -1 if the REST API does not say. */
    public long completedCheckpoints(String jobId) {
        String body = get("/jobs/" + jobId + "/checkpoints");
        if (body == null) {
            return -1;
        }
        Matcher m = Pattern.compile("\"completed\"\\s*:\\s*(\\d+)").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * The id of the checkpoint the job was last restored from ({@code latest.restored.id} of the
     * checkpoint statistics), or -1 if it never was.
     */
    public long restoredCheckpointId(String jobId) {
        String body = get("/jobs/" + jobId + "/checkpoints");
        if (body == null) {
            return -1;
        }
        Matcher m =
                Pattern.compile("\"restored\"\\s*:\\s*\\{[^}]*?\"id\"\\s*:\\s*(\\d+)")
                        .matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Copies every process's log into {@code dir} (created if needed), e.g. to keep after a run.
     */
    public void copyLogs(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> logs = Files.list(workDir.resolve("logs"))) {
                for (Path log : logs.toList()) {
                    Files.copy(
                            log,
                            dir.resolve(log.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the Flink logs to " + dir, e);
        }
    }

    /** Cancels a job through the REST API and waits until it ended. */
    public void cancel(String jobId) {
        try {
            http.send(
                    HttpRequest.newBuilder(
                                    URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return; // the cluster is gone; so is the job
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String state = jobState(jobId);
            if (state == null || "CANCELED".equals(state) || "FAILED".equals(state)) {
                return;
            }
            sleep(200);
        }
    }

    /** The last lines of every process's log, for a failure message. */
    public String logTails() {
        StringBuilder sb = new StringBuilder();
        for (FlinkProcess p : processes()) {
            sb.append("---- ")
                    .append(p)
                    .append(p.isAlive() ? " (running)" : " (exited)")
                    .append(", last lines of ")
                    .append(p.log())
                    .append(":\n")
                    .append(ChildJvms.tail(p.log(), TAIL_LINES))
                    .append('\n');
        }
        return sb.toString();
    }

    /** Stops every process this cluster started (TaskManagers first) and deletes its files. */
    @Override
    public void close() {
        List<FlinkProcess> toStop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(processes);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook runs this method itself.
            }
        }
        for (int i = toStop.size() - 1; i >= 0; i--) {
            toStop.get(i).process().destroy();
        }
        for (int i = toStop.size() - 1; i >= 0; i--) {
            stop(toStop.get(i));
        }
        ChildJvms.deleteRecursively(workDir);
    }

    private static void stop(FlinkProcess p) {
        Process process = p.process();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            p.stdin().close();
        } catch (IOException ignored) {
            // The process is gone; nothing to flush.
        }
    }

    private void checkAlive() {
        for (FlinkProcess p : processes()) {
            if (p.role() == Role.JOB_MANAGER && !p.isAlive()) {
                throw new FlinkClusterException(
                        "the JobManager exited with code "
                                + p.process().exitValue()
                                + "\n"
                                + logTails());
            }
        }
    }

    private String get(String path) {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(restUrl() + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted", e);
        }
    }

    private synchronized FlinkProcess launch(
            Role role, String name, List<String> jvm, List<String> args) {
        if (closed) {
            throw new FlinkClusterException("the cluster is closed");
        }
        Path log = workDir.resolve("logs").resolve(name + ".log");
        List<String> cp = new ArrayList<>(classpath);
        cp.add(0, workDir.resolve("launcher").toString());
        List<String> command = new ArrayList<>();
        command.add(ChildJvms.javaExecutable());
        command.addAll(jvm);
        command.addAll(FLINK_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, cp));
        command.add(ParentWatchdog.class.getName());
        command.add(role == Role.JOB_MANAGER ? JOB_MANAGER_MAIN : TASK_MANAGER_MAIN);
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("FLINK_CONF_DIR", confDir.toString());
        try {
            Process process = pb.start();
            FlinkProcess p = new FlinkProcess(role, name, process, process.getOutputStream(), log);
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new FlinkClusterException("cannot start the " + name + ": " + e, e);
        }
    }

    /** Flink's own computation of a process's JVM flags and memory settings, as its scripts do. */
    private List<String> resourceParams(String command) throws IOException {
        Path log = workDir.resolve("logs").resolve("bash-java-utils-" + command + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildJvms.javaExecutable());
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j-cli.properties").toUri());
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath));
        cmd.add(BASH_JAVA_UTILS);
        cmd.add(command);
        cmd.add("--configDir");
        cmd.add(confDir.toString());
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new FlinkClusterException(
                        "Flink's BashJavaUtils "
                                + command
                                + " failed; output:\n"
                                + ChildJvms.tail(log, TAIL_LINES));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted", e);
        }
        List<String> results = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith(EXEC_RESULT)) {
                results.add(line.substring(EXEC_RESULT.length()).trim());
            }
        }
        if (results.size() < 2) {
            throw new FlinkClusterException(
                    "unexpected output of Flink's BashJavaUtils "
                            + command
                            + ":\n"
                            + ChildJvms.tail(log, 20));
        }
        return results;
    }

    private static List<String> split(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    /** A role of a Flink process. */
    public enum Role {
        JOB_MANAGER,
        TASK_MANAGER
    }

    /** One Flink JVM started by this cluster. */
    public record FlinkProcess(
            Role role, String name, Process process, OutputStream stdin, Path log) {
        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public String toString() {
            return name + " (pid " + process.pid() + ")";
        }
    }

    /** Exit code and combined output of one run of Flink's CLI frontend. */
    public record CliResult(int exitCode, String output) {}

    /** Builds and starts a {@link FlinkCluster}. */
    public static final class Builder {
        private int taskManagers = 1;
        private int slotsPerTaskManager = 1;
        private String taskManagerHeap = "256m";
        private String jobManagerHeap = "256m";
        private Duration timeout = Duration.ofSeconds(90);
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> config = new LinkedHashMap<>();

        private Builder() {}

        public Builder taskManagers(int taskManagers) {
            this.taskManagers = taskManagers;
            return this;
        }

        public Builder slotsPerTaskManager(int slots) {
            this.slotsPerTaskManager = slots;
            return this;
        }

        /** The TaskManagers' task heap ({@code taskmanager.memory.task.heap.size}). */
        public Builder taskManagerHeap(String size) {
            this.taskManagerHeap = size;
            return this;
        }

        /** The JobManager's heap ({@code jobmanager.memory.heap.size}). */
        public Builder jobManagerHeap(String size) {
            this.jobManagerHeap = size;
            return this;
        }

        /** Bounds starting the cluster and every CLI run (default 90 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** An extra JVM option for every Flink process, e.g. a system property. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Adds or overrides one {@code config.yaml} entry (a flat key). */
        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /**
         * Writes the configuration, starts the JobManager and the TaskManagers, and waits until all
         * TaskManagers registered.
         */
        public FlinkCluster start() {
            List<String> classpath = flinkClasspath();
            Path dir;
            try {
                dir = Files.createTempDirectory("rulecast-flink-");
                Files.createDirectories(dir.resolve("conf"));
                Files.createDirectories(dir.resolve("logs"));
                installWatchdog(dir);
            } catch (IOException e) {
                throw new FlinkClusterException("cannot create the Flink work directory: " + e, e);
            }
            int[] ports = freePorts(2);
            FlinkCluster cluster = null;
            try {
                writeConfig(dir, ports[0], ports[1]);
                cluster = new FlinkCluster(classpath, dir, ports[1], jvmOptions, timeout);
                List<String> jm = cluster.resourceParams("GET_JM_RESOURCE_PARAMS");
                List<String> jmArgs =
                        new ArrayList<>(List.of("--configDir", dir.resolve("conf").toString()));
                jmArgs.addAll(split(jm.get(1)));
                cluster.launch(Role.JOB_MANAGER, "jobmanager", split(jm.get(0)), jmArgs);
                for (int i = 0; i < taskManagers; i++) {
                    cluster.startTaskManager();
                }
                cluster.awaitTaskManagers(taskManagers, timeout);
                return cluster;
            } catch (IOException e) {
                closeQuietly(cluster, dir);
                throw new FlinkClusterException("cannot start the Flink cluster: " + e, e);
            } catch (RuntimeException e) {
                closeQuietly(cluster, dir);
                throw e;
            }
        }

        private static void closeQuietly(FlinkCluster cluster, Path dir) {
            if (cluster != null) {
                cluster.close();
            } else {
                ChildJvms.deleteRecursively(dir);
            }
        }

        private void writeConfig(Path dir, int rpcPort, int restPort) throws IOException {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("jobmanager.rpc.address", "127.0.0.1");
            c.put("jobmanager.rpc.port", String.valueOf(rpcPort));
            c.put("jobmanager.bind-host", "127.0.0.1");
            c.put("taskmanager.bind-host", "127.0.0.1");
            c.put("taskmanager.host", "127.0.0.1");
            c.put("rest.address", "127.0.0.1");
            c.put("rest.bind-address", "127.0.0.1");
            c.put("rest.port", String.valueOf(restPort));
            c.put("jobmanager.memory.heap.size", jobManagerHeap);
            c.put("jobmanager.memory.off-heap.size", "64m");
            c.put("jobmanager.memory.jvm-metaspace.size", "256m");
            c.put("jobmanager.memory.jvm-overhead.min", "64m");
            c.put("jobmanager.memory.jvm-overhead.max", "128m");
            c.put("taskmanager.numberOfTaskSlots", String.valueOf(slotsPerTaskManager));
            c.put("taskmanager.memory.task.heap.size", taskManagerHeap);
            c.put("taskmanager.memory.managed.size", "0m");
            c.put("taskmanager.memory.framework.heap.size", "64m");
            c.put("taskmanager.memory.framework.off-heap.size", "64m");
            c.put("taskmanager.memory.task.off-heap.size", "0m");
            c.put("taskmanager.memory.network.min", "32m");
            c.put("taskmanager.memory.network.max", "32m");
            c.put("taskmanager.memory.jvm-metaspace.size", "384m");
            c.put("taskmanager.memory.jvm-overhead.min", "64m");
            c.put("taskmanager.memory.jvm-overhead.max", "128m");
            // A killed TaskManager is noticed within seconds, not the default 50 s.
            c.put("heartbeat.interval", "1000");
            c.put("heartbeat.timeout", "8000");
            c.put("restart-strategy.type", "fixed-delay");
            c.put("restart-strategy.fixed-delay.attempts", "100");
            c.put("restart-strategy.fixed-delay.delay", "1 s");
            c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
            c.put(
                    "execution.checkpointing.savepoint-dir",
                    dir.resolve("savepoints").toUri().toString());
            c.put("env.java.opts.all", String.join(" ", FLINK_JVM_OPTIONS));
            c.put("io.tmp.dirs", dir.resolve("tmp").toString());
            c.put("web.tmpdir", dir.resolve("tmp").toString());
            c.put("blob.storage.directory", dir.resolve("blobs").toString());
            c.putAll(config);
            Files.createDirectories(dir.resolve("tmp"));
            StringBuilder yaml =
                    new StringBuilder("# Written by io.rulecast.cluster.FlinkCluster\n");
            c.forEach((k, v) -> yaml.append(k).append(": ").append(yamlScalar(v)).append('\n'));
            Files.writeString(dir.resolve("conf").resolve("config.yaml"), yaml.toString());
            Files.writeString(dir.resolve("conf").resolve("log4j.properties"), log4j("INFO"));
            Files.writeString(dir.resolve("conf").resolve("log4j-cli.properties"), log4j("WARN"));
        }

        private static String yamlScalar(String v) {
            return "'" + v.replace("'", "''") + "'";
        }

        private static String log4j(String level) {
            return String.join(
                    "\n",
                    "rootLogger.level = " + level,
                    "rootLogger.appenderRef.console.ref = console",
                    "appender.console.type = Console",
                    "appender.console.name = console",
                    "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                    // Chatty at INFO and never what a failed test needs.
                    "logger.kafka.name = org.apache.kafka",
                    "logger.kafka.level = WARN",
                    // Warns every checkpoint that a sink's committer metric exists twice.
                    "logger.metricgroup.name = org.apache.flink.metrics.MetricGroup",
                    "logger.metricgroup.level = ERROR",
                    "");
        }
    }

    /**
     * Flink's jars, as the {@code lib/} directory of a distribution would hold them: what a JVM
     * running Flink's classes (a cluster process, the CLI) has on its class path.
     */
    public static List<String> flinkClasspath() {
        String raw = System.getProperty(CLASSPATH_PROPERTY);
        if (raw == null || raw.isBlank()) {
            try (InputStream in = FlinkCluster.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
                if (in == null) {
                    throw new FlinkClusterException(
                            "io/rulecast/cluster/"
                                    + CLASSPATH_RESOURCE
                                    + " is missing from the classpath: build the flink-cluster"
                                    + " module (mvn -pl flink-cluster package)");
                }
                raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> entries = new ArrayList<>();
        for (String entry : raw.trim().split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            if (!Files.exists(Path.of(entry))) {
                throw new FlinkClusterException(
                        "Flink jar not found: "
                                + entry
                                + " (resolve it with: mvn -pl flink-cluster package)");
            }
            entries.add(entry);
        }
        return entries;
    }

    /** Copies {@link ParentWatchdog} into the work directory; it depends on the JDK only. */
    private static void installWatchdog(Path dir) throws IOException {
        if (ChildJvms.installWatchdog(dir) == null) {
            throw new FlinkClusterException(
                    "cannot find "
                            + ParentWatchdog.class.getSimpleName()
                            + ".class on the classpath");
        }
    }

    private static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new FlinkClusterException("cannot find free ports: " + e, e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // freeing a probe socket
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted", e);
        }
    }
}
