package io.rulecast.broker;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of Rulecast's local services (the Kafka broker, a Flink process, the embedded
 * MariaDB), started under {@link ParentWatchdog}: it ends when this JVM ends, however that happens.
 * Its standard input is a pipe held open here and never written; its standard output and error go
 * to a log file (or its standard output stays readable through {@link #process()}).
 */
public final class ChildJvm {
    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.log = log;
    }

    /** How to start a child JVM. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Where the child's output goes (null: nowhere). */
    public Path log() {
        return log;
    }

    /** Asks the child to stop (SIGTERM: its shutdown hooks run), without waiting. */
    public void requestStop() {
        process.destroy();
    }

    /**
     * Stops the child: SIGTERM and end of its standard input, then a forced kill of it and of the
     * processes it started (the MariaDB server, say) when it has not exited within {@code grace}.
     */
    public void stop(Duration grace) {
        requestStop();
        try {
            stdin.close();
        } catch (IOException ignored) {
            // Already closed: the watchdog sees end of file either way.
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** Builds and starts a {@link ChildJvm}. */
    public static final class Builder {
        private final String name;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> classpath = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String mainClass;
        private Path workDir;
        private Path log;
        private boolean appendLog = true;
        private boolean stdoutPiped;

        private Builder(String name) {
            this.name = name;
        }

        public Builder jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public Builder classpath(List<String> entries) {
            classpath.addAll(entries);
            return this;
        }

        /** The class whose {@code main} the watchdog runs, and its arguments. */
        public Builder main(String className, List<String> arguments) {
            this.mainClass = className;
            args.addAll(arguments);
            return this;
        }

        /** The working directory; {@link ParentWatchdog} is installed under it. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Standard output and error appended to this file. */
        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        /** Standard output and error replace this file's content. */
        public Builder freshLog(Path file) {
            this.log = file;
            this.appendLog = false;
            return this;
        }

        /** Standard error to this file; standard output stays readable through the process. */
        public Builder errorLog(Path file) {
            this.log = file;
            this.stdoutPiped = true;
            return this;
        }

        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public ChildJvm start() throws IOException {
            Path watchdog = ChildJvms.installWatchdog(workDir);
            if (watchdog == null) {
                throw new IOException(
                        "cannot find " + ParentWatchdog.class.getSimpleName() + ".class");
            }
            List<String> cp = new ArrayList<>();
            cp.add(watchdog.toString());
            cp.addAll(classpath);
            List<String> command = new ArrayList<>();
            command.add(ChildJvms.javaExecutable());
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(String.join(File.pathSeparator, cp));
            command.add(ParentWatchdog.class.getName());
            command.add(mainClass);
            command.addAll(args);
            ProcessBuilder pb =
                    new ProcessBuilder(command)
                            .directory(workDir.toFile())
                            .redirectInput(ProcessBuilder.Redirect.PIPE);
            ProcessBuilder.Redirect toLog =
                    log == null
                            ? ProcessBuilder.Redirect.DISCARD
                            : appendLog
                                    ? ProcessBuilder.Redirect.appendTo(log.toFile())
                                    : ProcessBuilder.Redirect.to(log.toFile());
            if (stdoutPiped) {
                pb.redirectError(toLog);
            } else {
                pb.redirectErrorStream(true).redirectOutput(toLog);
            }
            pb.environment().putAll(environment);
            return new ChildJvm(name, pb.start(), log);
        }
    }
}
