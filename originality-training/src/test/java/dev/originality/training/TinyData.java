package dev.originality.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.shapes.ImageFolder;
import dev.originality.shapes.Presets;
import dev.originality.shapes.SceneSampler;

import java.nio.file.Path;

/** A small seeded originality-world imagefolder at the tiny preset's resolution. */
final class TinyData {
    private TinyData() {}

    static Path write(Path dir, int count, int size) throws Exception {
        SceneSampler s = new SceneSampler(Presets.get("originality"), size);
        ImageFolder.write(dir, true, count, size, i -> s.trainingScene(1, i), new ObjectMapper().createObjectNode(), n -> { });
        return dir;
    }
}
