package io.rulecast.cluster;

import io.rulecast.broker.ChildJvms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds and starts a {@link FlinkCluster}. */
public final class FlinkClusterBuilder {
    private int taskManagers = 1;
    private int slotsPerTaskManager = 1;
    private String taskManagerHeap = "256m";
    private String jobManagerHeap = "256m";
    private Duration timeout = Duration.ofSeconds(90);
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> config = new LinkedHashMap<>();

    FlinkClusterBuilder() {}

    public FlinkClusterBuilder taskManagers(int taskManagers) {
        this.taskManagers = taskManagers;
        return this;
    }

    public FlinkClusterBuilder slotsPerTaskManager(int slots) {
        this.slotsPerTaskManager = slots;
        return this;
    }

    /** The TaskManagers' task heap ({@code taskmanager.memory.task.heap.size}). */
    public FlinkClusterBuilder taskManagerHeap(String size) {
        this.taskManagerHeap = size;
        return this;
    }

    /** The JobManager's heap ({@code jobmanager.memory.heap.size}). */
    public FlinkClusterBuilder jobManagerHeap(String size) {
        this.jobManagerHeap = size;
        return this;
    }

    /** Bounds starting the cluster and every CLI run (default 90 s). */
    public FlinkClusterBuilder timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** An extra JVM option for every Flink process, e.g. a system property. */
    public FlinkClusterBuilder jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    /** Adds or overrides one {@code config.yaml} entry (a flat key). */
    public FlinkClusterBuilder config(String key, String value) {
        config.put(key, value);
        return this;
    }

    /**
     * Writes the configuration, starts the JobManager and the TaskManagers, and waits until all
     * TaskManagers registered.
     */
    public FlinkCluster start() {
        List<String> classpath = FlinkCluster.flinkClasspath();
        Path dir;
        try {
            dir = Files.createTempDirectory("rulecast-flink-");
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new FlinkClusterException("cannot create the Flink work directory: " + e, e);
        }
        int rpcPort = ChildJvms.freePort();
        int restPort = ChildJvms.freePort();
        FlinkCluster cluster = null;
        try {
            FlinkConfigFiles.write(
                    dir,
                    rpcPort,
                    restPort,
                    new FlinkConfigFiles.Sizes(
                            slotsPerTaskManager, taskManagerHeap, jobManagerHeap),
                    config);
            cluster = new FlinkCluster(classpath, dir, restPort, jvmOptions, timeout);
            List<List<String>> jm =
                    FlinkConfigFiles.resourceParams(classpath, dir, "GET_JM_RESOURCE_PARAMS");
            List<String> jmArgs =
                    new ArrayList<>(List.of("--configDir", dir.resolve("conf").toString()));
            jmArgs.addAll(jm.get(1));
            cluster.launch(FlinkCluster.Role.JOB_MANAGER, "jobmanager", jm.get(0), jmArgs);
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
}
