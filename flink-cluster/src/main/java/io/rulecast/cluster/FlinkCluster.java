package io.rulecast.cluster;

import io.rulecast.broker.ChildJvm;
import io.rulecast.broker.ChildJvms;
import io.rulecast.broker.ParentWatchdog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster on this machine, every process a separate JVM started the way
 * Flink's own scripts start them: a JobManager ({@code StandaloneSessionClusterEntrypoint}) and
 * TaskManagers ({@code TaskManagerRunner}) reading a generated {@code conf/config.yaml}, with JVM
 * memory flags computed by Flink's {@code BashJavaUtils} ({@link FlinkConfigFiles}). Jobs are
 * submitted through Flink's CLI frontend ({@code flink run}); the cluster is watched through its
 * REST API ({@link FlinkRest}).
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
 * running its hooks (each Flink JVM runs under {@link ParentWatchdog}, see {@link ChildJvm}).
 */
public final class FlinkCluster implements AutoCloseable {
    /** Overrides Flink's classpath (system property). */
    public static final String CLASSPATH_PROPERTY = "rulecast.flink.classpath";

    static final String CLASSPATH_RESOURCE = "flink.classpath";
    private static final ChildJvms.Jars JARS =
            new ChildJvms.Jars(
                    "Flink",
                    "flink",
                    FlinkCluster.class,
                    CLASSPATH_RESOURCE,
                    CLASSPATH_PROPERTY,
                    null,
                    "resolve it with: mvn -pl flink-cluster package",
                    false);
    private static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String CLI_MAIN = "org.apache.flink.client.cli.CliFrontend";
    private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final int TAIL_LINES = 60;

    private final List<String> classpath;
    private final Path workDir;
    private final Path confDir;
    private final int restPort;
    private final FlinkRest rest;
    private final List<String> taskManagerJvm;
    private final List<String> taskManagerDynamic;
    private final List<String> jvmOptions;
    private final Duration timeout;
    private final List<FlinkProcess> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "rulecast-flink-cluster-shutdown");
    private int taskManagerCount;
    private boolean closed;

    FlinkCluster(
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
        this.rest = new FlinkRest(restUrl());
        this.jvmOptions = jvmOptions;
        this.timeout = timeout;
        List<List<String>> tm =
                FlinkConfigFiles.resourceParams(classpath, workDir, "GET_TM_RESOURCE_PARAMS");
        this.taskManagerJvm = tm.get(0);
        this.taskManagerDynamic = tm.get(1);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Options for a cluster: TaskManagers, slots, {@code config.yaml} entries. */
    public static FlinkClusterBuilder builder() {
        return new FlinkClusterBuilder();
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
        return rest.taskManagerIds();
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
        throw failure(
                "expected TaskManagers "
                        + names
                        + " within "
                        + within.toSeconds()
                        + " s, the JobManager knows "
                        + seen);
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
            seen = rest.taskManagerCount();
            if (seen == count) {
                return;
            }
            sleep(200);
        }
        throw failure(
                "expected "
                        + count
                        + " registered TaskManagers within "
                        + within.toSeconds()
                        + " s, saw "
                        + seen);
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
        List<String> jvm = new ArrayList<>(List.of("-Xmx384m"));
        jvm.addAll(FlinkConfigFiles.FLINK_JVM_OPTIONS);
        jvm.addAll(jvmOptions);
        jvm.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j-cli.properties").toUri());
        try {
            ChildJvm cli =
                    ChildJvm.builder("flink " + args.get(0))
                            .jvmOptions(jvm)
                            .classpath(classpath)
                            .main(CLI_MAIN, args)
                            .workDir(workDir)
                            .freshLog(log)
                            .environment("FLINK_CONF_DIR", confDir.toString())
                            .start();
            Process p = cli.process();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                cli.stop(Duration.ZERO);
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
        FlinkRest.JobView job = rest.job(jobId);
        return job == null ? null : job.state();
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
            FlinkRest.JobView job = rest.job(jobId);
            if (job != null) {
                state = job.state();
                if ("RUNNING".equals(state) && job.allTasksRunning()) {
                    return;
                }
                if ("FAILED".equals(state) || "CANCELED".equals(state)) {
                    break;
                }
            }
            sleep(200);
        }
        throw failure(
                "job "
                        + jobId
                        + " not running within "
                        + within.toSeconds()
                        + " s (state "
                        + state
                        + ")");
    }

    /** How often the job restarted ({@code numRestarts}), or -1 if the metric is not there. */
    public long restarts(String jobId) {
        return rest.jobMetric(jobId, "numRestarts");
    }

    /** How many checkpoints of the job completed, or -1 if the REST API does not say. */
    public long completedCheckpoints(String jobId) {
        return rest.completedCheckpoints(jobId);
    }

    /** Cancels a job through the REST API and waits until it ended. */
    public void cancel(String jobId) {
        if (!rest.requestCancel(jobId)) {
            return; // the cluster is gone; so is the job
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

    /**
     * The id of the checkpoint the job was last restored from ({@code latest.restored.id} of the
     * checkpoint statistics), or -1 if it never was.
     */
    public long restoredCheckpointId(String jobId) {
        return rest.restoredCheckpointId(jobId);
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
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the Flink logs to " + dir, e);
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
        // All asked at once, then waited for one by one: the cluster goes down in one grace period.
        for (int i = toStop.size() - 1; i >= 0; i--) {
            toStop.get(i).jvm().requestStop();
        }
        for (int i = toStop.size() - 1; i >= 0; i--) {
            toStop.get(i).jvm().stop(Duration.ofSeconds(15));
        }
        ChildJvms.deleteRecursively(workDir);
    }

    private void checkAlive() {
        for (FlinkProcess p : processes()) {
            if (p.role() == Role.JOB_MANAGER && !p.isAlive()) {
                throw failure("the JobManager exited with code " + p.process().exitValue());
            }
        }
    }

    private FlinkClusterException failure(String message) {
        return new FlinkClusterException(message + "\n" + logTails());
    }

    synchronized FlinkProcess launch(Role role, String name, List<String> jvm, List<String> args) {
        if (closed) {
            throw new FlinkClusterException("the cluster is closed");
        }
        List<String> options = new ArrayList<>(jvm);
        options.addAll(FlinkConfigFiles.FLINK_JVM_OPTIONS);
        options.addAll(jvmOptions);
        options.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        try {
            ChildJvm child =
                    ChildJvm.builder(name)
                            .jvmOptions(options)
                            .classpath(classpath)
                            .main(
                                    role == Role.JOB_MANAGER ? JOB_MANAGER_MAIN : TASK_MANAGER_MAIN,
                                    args)
                            .workDir(workDir)
                            .log(workDir.resolve("logs").resolve(name + ".log"))
                            .environment("FLINK_CONF_DIR", confDir.toString())
                            .start();
            FlinkProcess p = new FlinkProcess(role, child);
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new FlinkClusterException("cannot start the " + name + ": " + e, e);
        }
    }

    /** A role of a Flink process. */
    public enum Role {
        JOB_MANAGER,
        TASK_MANAGER
    }

    /** One Flink JVM started by this cluster. */
    public record FlinkProcess(Role role, ChildJvm jvm) {
        public String name() {
            return jvm.name();
        }

        public Process process() {
            return jvm.process();
        }

        public Path log() {
            return jvm.log();
        }

        public long pid() {
            return jvm.pid();
        }

        public boolean isAlive() {
            return jvm.isAlive();
        }

        @Override
        public String toString() {
            return jvm.toString();
        }
    }

    /** Exit code and combined output of one run of Flink's CLI frontend. */
    public record CliResult(int exitCode, String output) {}

    /**
     * Flink's jars, as the {@code lib/} directory of a distribution would hold them: what a JVM
     * running Flink's classes (a cluster process, the CLI) has on its class path.
     */
    public static List<String> flinkClasspath() {
        return ChildJvms.classpath(JARS, FlinkClusterException::new);
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
