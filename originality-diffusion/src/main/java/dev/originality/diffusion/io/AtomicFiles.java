package dev.originality.diffusion.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way this project writes a file: into a hidden temporary file beside the target, which
 * is renamed over it when complete — a reader sees the old file or the new one, never a torn one.
 * Temporary files are created private (0600); the result is made world-readable like any output.
 */
public final class AtomicFiles {
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private AtomicFiles() {}

    public static void write(Path file, Writer writer) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".partial");
        try {
            writer.write(tmp);
            readable(tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path file, String text) throws IOException {
        write(file, tmp -> Files.writeString(tmp, text));
    }

    /** rw-r--r-- where the file system has POSIX permissions. */
    public static void readable(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the default permissions apply
        }
    }
}
