package io.rulecast.broker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the launchers of child JVMs (the Kafka broker, the Flink cluster's processes, the demo's
 * embedded MariaDB) share: where their jars are, the java executable, the watchdog that ends a
 * child with its parent, free ports, log tails for error messages, and cleaning up a work
 * directory. JDK only. {@link ChildJvm} starts and stops one child.
 *
 * <h2>Where a child's jars come from</h2>
 *
 * <ol>
 *   <li>an explicit list in a system property or environment variable (e.g. {@code
 *       rulecast.kafka.classpath});
 *   <li>in a Rulecast distribution, the directory {@code lib/NAME/} under {@code rulecast.home} (a
 *       system property its {@code bin/rulecast} sets);
 *   <li>otherwise a classpath file written by the module's build, listing jars of the local Maven
 *       repository (a build from a clone).
 * </ol>
 */
public final class ChildJvms {
    /** The system property a distribution's launcher sets to its root directory. */
    public static final String HOME_PROPERTY = "rulecast.home";

    private ChildJvms() {}

    /**
     * Where one kind of child finds its jars.
     *
     * @param what names the jars in errors ("Kafka broker")
     * @param libDir the directory under a distribution's {@code lib/} ("kafka")
     * @param owner the class next to which the build wrote {@code resource}
     * @param resource the classpath file written by the build ("kafka.classpath")
     * @param property the system property that overrides the list
     * @param env the environment variable that overrides the list (may be null)
     * @param rebuild how to make the build write the file again
     * @param sharesLib in a distribution, the child also gets {@code lib/*.jar}: the jars it shares
     *     with the CLI are not copied into {@code lib/NAME/} twice
     */
    public record Jars(
            String what,
            String libDir,
            Class<?> owner,
            String resource,
            String property,
            String env,
            String rebuild,
            boolean sharesLib) {}

    /**
     * The class path of a child JVM (see the class comment for the order of the places looked in).
     *
     * @param error makes the exception thrown, from a one-line message naming the fix
     */
    public static List<String> classpath(Jars jars, Function<String, RuntimeException> error) {
        String override = System.getProperty(jars.property());
        if ((override == null || override.isBlank()) && jars.env() != null) {
            override = System.getenv(jars.env());
        }
        String fix =
                jars.env() == null ? jars.rebuild() : jars.rebuild() + ", or set " + jars.env();
        if (override != null && !override.isBlank()) {
            return existing(jars, override, fix, error);
        }
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            List<String> entries =
                    distributionJars(jars, Path.of(home, "lib", jars.libDir()), error);
            if (jars.sharesLib()) {
                entries.addAll(distributionJars(jars, Path.of(home, "lib"), error));
            }
            return entries;
        }
        try (InputStream in = jars.owner().getResourceAsStream(jars.resource())) {
            if (in == null) {
                throw error.apply(
                        jars.owner().getPackageName().replace('.', '/')
                                + "/"
                                + jars.resource()
                                + " is missing from the classpath: "
                                + fix);
            }
            return existing(
                    jars, new String(in.readAllBytes(), StandardCharsets.UTF_8), fix, error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> existing(
            Jars jars, String list, String fix, Function<String, RuntimeException> error) {
        List<String> entries = new ArrayList<>();
        for (String entry : list.strip().split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            if (!Files.exists(Path.of(entry))) {
                throw error.apply(jars.what() + " jar not found: " + entry + " (" + fix + ")");
            }
            entries.add(entry);
        }
        return entries;
    }

    private static List<String> distributionJars(
            Jars jars, Path dir, Function<String, RuntimeException> error) {
        List<String> entries = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .forEach(f -> entries.add(f.toAbsolutePath().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (entries.isEmpty()) {
            throw error.apply(
                    "no "
                            + jars.what()
                            + " jars in "
                            + dir
                            + ": the distribution is incomplete, unpack it again");
        }
        return entries;
    }

    /** A port on 127.0.0.1 that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * Copies classes that depend on the JDK alone (a child's own small main) into {@code
     * dir/launcher}, so that a child JVM can run them without the jar they came from — which, in a
     * shaded application, would drag everything else in.
     *
     * @return the class-path directory to add
     */
    public static Path installClasses(Path dir, Class<?>... classes) throws IOException {
        Path root = dir.resolve("launcher");
        for (Class<?> c : classes) {
            String name = c.getSimpleName() + ".class";
            try (InputStream in = c.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("class file " + name + " not found");
                }
                Path target = root.resolve(c.getPackageName().replace('.', '/') + "/" + name);
                Files.createDirectories(target.getParent());
                Files.write(target, in.readAllBytes());
            }
        }
        return root;
    }

    /** The {@code java} of the running JDK. */
    public static String javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java")
                .toString();
    }

    /**
     * Copies {@link ParentWatchdog} into {@code dir/launcher}.
     *
     * @return the class-path directory to add, or null when the class file cannot be found
     */
    public static Path installWatchdog(Path dir) throws IOException {
        try {
            return installClasses(dir, ParentWatchdog.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** The last {@code lines} lines of {@code text}. */
    public static String tail(String text, int lines) {
        String[] all = text.split("\\R");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", Arrays.asList(all).subList(from, all.length));
    }

    /**
     * The last {@code lines} lines of a log file (read from its last 64 KiB), for error messages.
     */
    public static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no output)";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int chunk = (int) Math.min(length, 64 * 1024);
            byte[] bytes = new byte[chunk];
            raf.seek(length - chunk);
            raf.readFully(bytes);
            return tail(new String(bytes, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Deletes a directory tree, best effort: a leftover temp file must not fail a run. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // best effort, see above
                                }
                            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort, see above
        }
    }
}
