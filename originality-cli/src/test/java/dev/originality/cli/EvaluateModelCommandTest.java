package dev.originality.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.originality.cli.ShapesCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class EvaluateModelCommandTest {
    @TempDir Path tmp;

    /** A trial run (no --card) leaves the model folder alone; --json receives the figures. */
    @Test
    void withoutCardTheModelFolderIsNotWritten() throws Exception {
        Path model = tmp.resolve("model");
        copy(Path.of(GenerateCommandTest.MODEL), model);
        Path json = tmp.resolve("q.json");
        var r = run("evaluate-model", "--model", model.toString(), "--round-trips", "2", "--prompted", "2", "--empty", "2", "--steps", "2",
                "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("VAE round trip");
        assertThat(Files.exists(model.resolve("evaluation"))).isFalse();
        var j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.path("promptedExact").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(j.path("settings").path("prompted").asInt()).isEqualTo(2);
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t);
                else Files.copy(f, t);
            }
        }
    }
}
