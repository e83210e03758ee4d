package dev.originality.diffusion.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** Writes a folder atomically: fill a staging folder beside the target, then rename it into place. */
final class StagedFolder {
    @FunctionalInterface
    interface Filler {
        void fill(Path staging) throws IOException;
    }

    private StagedFolder() {}

    /** {@code target} must not exist; on any failure nothing is left behind. */
    static void write(Path target, Filler filler) throws IOException {
        if (Files.exists(target)) throw new IllegalArgumentException("target '" + target + "' already exists; nothing was written");
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = parent.resolve("." + target.getFileName() + ".staging-" + UUID.randomUUID());
        try {
            Files.createDirectory(staging);
            filler.fill(staging);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteRecursively(staging);
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(q);
        }
    }
}
