package io.rulecast.cluster;

import io.rulecast.broker.ChildJvms;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster's {@code conf/} as Flink's scripts expect it ({@code config.yaml}, log4j files), and
 * Flink's own computation of each process's JVM memory flags from it ({@code BashJavaUtils}).
 */
final class FlinkConfigFiles {
    private static final String BASH_JAVA_UTILS =
            "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

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

    /** The sizes and counts a {@link FlinkCluster.Builder} was given. */
    record Sizes(int slotsPerTaskManager, String taskManagerHeap, String jobManagerHeap) {}

    private FlinkConfigFiles() {}

    /** Writes {@code dir/conf/}: small memory sizes, loopback addresses, fast failure detection. */
    static void write(
            Path dir, int rpcPort, int restPort, Sizes sizes, Map<String, String> overrides)
            throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", String.valueOf(restPort));
        c.put("jobmanager.memory.heap.size", sizes.jobManagerHeap());
        c.put("jobmanager.memory.off-heap.size", "64m");
        c.put("jobmanager.memory.jvm-metaspace.size", "256m");
        c.put("jobmanager.memory.jvm-overhead.min", "64m");
        c.put("jobmanager.memory.jvm-overhead.max", "128m");
        c.put("taskmanager.numberOfTaskSlots", String.valueOf(sizes.slotsPerTaskManager()));
        c.put("taskmanager.memory.task.heap.size", sizes.taskManagerHeap());
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
        c.putAll(overrides);
        Files.createDirectories(dir.resolve("tmp"));
        StringBuilder yaml = new StringBuilder("# Written by io.rulecast.cluster.FlinkCluster\n");
        c.forEach((k, v) -> yaml.append(k).append(": ").append(yamlScalar(v)).append('\n'));
        Path conf = dir.resolve("conf");
        Files.writeString(conf.resolve("config.yaml"), yaml.toString());
        Files.writeString(conf.resolve("log4j.properties"), log4j("INFO"));
        Files.writeString(conf.resolve("log4j-cli.properties"), log4j("WARN"));
    }

    /**
     * Flink's own computation of a process's JVM flags and dynamic properties, as its scripts do
     * ({@code GET_JM_RESOURCE_PARAMS} or {@code GET_TM_RESOURCE_PARAMS}).
     *
     * @return the JVM flags, then the dynamic properties
     */
    static List<List<String>> resourceParams(List<String> classpath, Path workDir, String command)
            throws IOException {
        Path confDir = workDir.resolve("conf");
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
                                + ChildJvms.tail(log, 60));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted", e);
        }
        List<List<String>> results = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith(EXEC_RESULT)) {
                results.add(split(line.substring(EXEC_RESULT.length())));
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
