package io.rulecast.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the launchers of child JVMs (the Kafka broker, the Flink cluster's processes) share: the
 * java executable, the watchdog that ends a child with its parent, log tails for error messages,
 * and cleaning up a work directory. JDK only.
 */
public final class ChildJvms {
    private ChildJvms() {}

    /** The {@code java} of the running JDK. */
    public static String javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java")
                .toString();
    }

    /**
     * Copies {@link ParentWatchdog} into {@code dir/launcher} so that a child JVM can run it
     * without this module's jar (which, in a shaded application, would drag everything else in).
     *
     * @return the class-path directory to add, or null when the class file cannot be found
     */
    public static Path installWatchdog(Path dir) throws IOException {
        String name = ParentWatchdog.class.getSimpleName() + ".class";
        try (InputStream in = ParentWatchdog.class.getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            Path classes = dir.resolve("launcher");
            Path target =
                    classes.resolve(
                            ParentWatchdog.class.getPackageName().replace('.', '/') + "/" + name);
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
            return classes;
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
