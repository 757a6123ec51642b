package io.rulecast.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoints a job keeps in {@code checkpoint.dir} after it stops, as Flink lays them out:
 * {@code <dir>/<job id>/chk-<n>/_metadata}, one job id per run. Finds the latest complete one, so
 * that a restarted {@code rulecast run} resumes where the last run got to (Kafka offsets, {@code
 * ctx.state}, rules), and removes what earlier runs left once a newer checkpoint supersedes them.
 * Local file systems only.
 */
public final class RetainedCheckpoints {
    private static final String METADATA = "_metadata";

    private final Path dir;

    /** {@code checkpoint.dir}: a path, or a {@code file:} URI. */
    public RetainedCheckpoints(String checkpointDir) {
        this.dir = localPath(checkpointDir);
    }

    /** The directory as a local path; fails naming the key for a remote URI. */
    static Path localPath(String checkpointDir) {
        if (checkpointDir.startsWith("file:")) {
            return Path.of(URI.create(checkpointDir));
        }
        if (checkpointDir.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new ConfigException(
                    "checkpoint.dir "
                            + checkpointDir
                            + ": rulecast run resumes from a local directory only; use a path"
                            + " (a Flink cluster takes any file system: flink run -s)");
        }
        return Path.of(checkpointDir).toAbsolutePath();
    }

    /** The URI Flink writes the checkpoints to. */
    public static String uri(String checkpointDir) {
        if (checkpointDir.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !isWindowsPath(checkpointDir)) {
            return checkpointDir;
        }
        return Path.of(checkpointDir).toAbsolutePath().toUri().toString();
    }

    private static boolean isWindowsPath(String s) {
        return s.length() > 2 && s.charAt(1) == ':' && Character.isLetter(s.charAt(0));
    }

    public Path directory() {
        return dir;
    }

    /**
     * The newest complete checkpoint (one whose {@code _metadata} was written), as the directory
     * Flink restores from; empty when there is none.
     */
    public Optional<Path> latest() {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> complete = new ArrayList<>();
        try (Stream<Path> jobs = Files.list(dir)) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> checkpoints = Files.list(job)) {
                    checkpoints
                            .filter(p -> p.getFileName().toString().startsWith("chk-"))
                            .filter(p -> Files.isRegularFile(p.resolve(METADATA)))
                            .forEach(complete::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + dir, e);
        }
        return complete.stream()
                .max(
                        Comparator.comparing(RetainedCheckpoints::written)
                                .thenComparingLong(RetainedCheckpoints::number));
    }

    /**
     * Deletes the checkpoints of earlier runs, keeping the run that holds {@code keep}: a job
     * resumed from {@code keep} writes its own from there on.
     */
    public void deleteAllBut(Path keep) {
        Path keepJob = keep.getParent();
        try (Stream<Path> jobs = Files.list(dir)) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                if (!job.equals(keepJob)) {
                    deleteRecursively(job);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up the checkpoints in " + dir, e);
        }
    }

    private static FileTime written(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve(METADATA));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static long number(Path checkpoint) {
        try {
            return Long.parseLong(checkpoint.getFileName().toString().substring("chk-".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
