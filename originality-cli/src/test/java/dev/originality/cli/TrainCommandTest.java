package dev.originality.cli;

import dev.originality.diffusion.io.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.originality.cli.ShapesCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The training command's bad-input contract: one line on stderr, exit 2, nothing written or overwritten. */
class TrainCommandTest {
    @TempDir Path tmp;

    private Path dataset(String name) {
        Path d = tmp.resolve(name);
        assertThat(run("dataset", "--preset", "span-4", "--size", "32", "--count", "12", "--seed", "1", "--out", d.toString()).code()).isZero();
        return d;
    }

    private static void assertOneLineExitTwo(ShapesCommandsTest.Result r, String mentions) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(mentions);
    }

    @Test
    void datasetWithoutMetadataIsRefused() throws Exception {
        Path data = dataset("no-metadata");
        Files.delete(data.resolve("metadata.jsonl"));
        Path out = tmp.resolve("model");
        assertOneLineExitTwo(run("train", "--data", data.toString(), "--preset", "tiny", "--seed", "1", "--out", out.toString()),
                "metadata.jsonl");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void captionWithAnUnknownWordIsRefusedNamingIt() throws Exception {
        Path data = dataset("purple");
        Path meta = data.resolve("metadata.jsonl");
        String first = Files.readAllLines(meta).stream().filter(l -> l.contains("\"text\":\"big")).findFirst().orElseThrow();
        String edited = first.replaceFirst("\"text\":\"big (red|blue|green) ", "\"text\":\"big purple ");
        assertThat(edited).isNotEqualTo(first);
        Files.writeString(meta, Files.readString(meta).replace(first, edited));
        Path out = tmp.resolve("model");
        assertOneLineExitTwo(run("train", "--data", data.toString(), "--preset", "tiny", "--seed", "1", "--out", out.toString()),
                "purple");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void resumingAnotherPresetsCheckpointChangesNothing() throws Exception {
        Path data = dataset("ok");
        Path out = tmp.resolve("model");
        var first = run("train", "--data", data.toString(), "--preset", "tiny", "--stage", "vae", "--steps", "20", "--seed", "1",
                "--out", out.toString());
        assertThat(first.code()).as(first.err()).isZero();
        Map<String, String> before = hashes(out);
        assertOneLineExitTwo(run("train", "--data", data.toString(), "--preset", "tiny", "--batch", "4", "--stage", "vae", "--resume", "--seed", "1",
                "--out", out.toString()), "cannot resume");
        assertOneLineExitTwo(run("train", "--data", data.toString(), "--preset", "tiny", "--stage", "vae", "--seed", "1",
                "--out", out.toString()), "--resume");
        assertThat(hashes(out)).isEqualTo(before);
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) out.put(dir.relativize(f).toString(), Hashing.sha256(f));
        }
        return out;
    }
}
