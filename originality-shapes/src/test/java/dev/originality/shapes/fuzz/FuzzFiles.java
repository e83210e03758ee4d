package dev.originality.shapes.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch files for fuzz targets: readers take paths, so each input is written to one reused file. */
public final class FuzzFiles {
    private FuzzFiles() {}

    /** A new temporary directory (under java.io.tmpdir, which {@link FuzzRun} points at its work folder). */
    public static Path tempDir(String name) {
        try {
            return Files.createTempDirectory(name).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
