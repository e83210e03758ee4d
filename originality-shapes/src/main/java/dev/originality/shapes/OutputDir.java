package dev.originality.shapes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A folder output that appears whole or not at all: contents go to a hidden sibling staging
 * folder, which is renamed onto the target when complete. A reader never sees a half-written set.
 */
public final class OutputDir {
    private final Path target;
    private final Path staging;

    private OutputDir(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** Fails (before writing anything) when the target is a non-empty folder and overwrite is off. */
    public static OutputDir begin(Path target, boolean overwrite) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) throw new IllegalArgumentException("output '" + target + "' exists and is not a folder");
            if (!overwrite && !isEmpty(abs)) {
                throw new IllegalArgumentException("output folder '" + target + "' exists and is not empty (use --overwrite to replace it)");
            }
        }
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".partial-");
        try {
            // Temporary folders are private (0700); an output folder is not.
            Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return new OutputDir(abs, staging);
    }

    public Path dir() {
        return staging;
    }

    /** Replaces the target by the staged folder. */
    public void commit() throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            move(target, old);
        }
        move(staging, target);
        if (old != null) deleteTree(old);
    }

    /** Removes the staged folder after a failure. */
    public void abort() {
        try {
            deleteTree(staging);
        } catch (IOException | UncheckedIOException ignored) {
            // Best effort: the staging folder is hidden and named as partial.
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
