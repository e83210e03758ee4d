package dev.originality.measure.detect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the shipped detector, {@code models/detector}, without configuration. */
public final class DetectorModels {
    public static final String DEFAULT_DIR = "models/detector";

    private DetectorModels() {}

    /**
     * The first {@code models/detector} holding a model, looking in the working directory and its
     * parents, then next to the code (the CLI jar sits in originality-cli/target/) and its parents.
     */
    public static Path locateDefault() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(DetectorModels.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath());
        } catch (Exception e) {
            // No code location (unusual class loader): the working directory is all we have.
        }
        List<Path> tried = new ArrayList<>();
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path candidate = p.resolve(DEFAULT_DIR);
                if (Files.isRegularFile(candidate.resolve(DetectorModel.CONFIG))) return candidate;
                if (tried.size() < 4) tried.add(candidate);
            }
        }
        throw new IllegalArgumentException("no detector model found: expected " + DEFAULT_DIR + "/" + DetectorModel.CONFIG
                + " in the working directory or a parent (tried " + tried + "); give --model DIR");
    }
}
