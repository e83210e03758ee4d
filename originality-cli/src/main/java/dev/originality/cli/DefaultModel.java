package dev.originality.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped model, used when --model is not given: models/shapes-originality-64 in the working directory or beside the jar's repo. */
final class DefaultModel {
    static final String NAME = "models/shapes-originality-64";

    private DefaultModel() {}

    static Path resolve(Path given) {
        if (given != null) return given;
        Path found = inRepo(NAME);
        if (found != null) return found;
        throw new UserError("no --model given and no default model at " + NAME + " (train one with 'originality train', see README)");
    }

    /** A folder of the repository: relative to the working directory, else beside the jar's repo; null when neither has it. */
    static Path inRepo(String name) {
        Path here = Path.of(name);
        if (Files.isDirectory(here)) return here;
        try {
            Path jar = Path.of(DefaultModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // originality-cli/target/originality.jar → repo root
            Path repo = jar.getParent() == null ? null : jar.getParent().getParent() == null ? null : jar.getParent().getParent().getParent();
            if (repo != null && Files.isDirectory(repo.resolve(name))) return repo.resolve(name);
        } catch (Exception ignored) {
            // not found
        }
        return null;
    }
}
