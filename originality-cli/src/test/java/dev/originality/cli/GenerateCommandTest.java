package dev.originality.cli;

import dev.originality.diffusion.io.PngImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.originality.cli.ShapesCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class GenerateCommandTest {
    static final String MODEL = "../originality-diffusion/src/test/resources/fixtures/sd-tiny/pipeline";
    @TempDir Path tmp;

    @Test
    void writesPngsWithProvenanceAndLatentsThatReproduce() throws Exception {
        Path out = tmp.resolve("g");
        var r = run("generate", "--model", MODEL, "--prompt", "a red circle", "--steps", "3", "--num-images", "2",
                "--seed", "5", "--save-latents", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"000.png", "001.png"}) {
            assertThat(ImageIO.read(out.resolve(f).toFile()).getWidth()).isEqualTo(32);
            Map<String, String> text = PngImages.readText(out.resolve(f));
            assertThat(text).containsEntry("prompt", "a red circle").containsEntry("seed", "5").containsEntry("steps", "3")
                    .containsEntry("scheduler", "pndm").containsKey("model_sha256");
            assertThat(text.get("model_sha256")).hasSize(64);
        }
        // Same seed → same bytes.
        Path again = tmp.resolve("g2");
        assertThat(run("generate", "--model", MODEL, "--prompt", "a red circle", "--steps", "3", "--num-images", "2",
                "--seed", "5", "--out", again.toString()).code()).isZero();
        var a = ImageIO.read(again.resolve("001.png").toFile());
        var b = ImageIO.read(out.resolve("001.png").toFile());
        assertThat(java.util.Arrays.equals(a.getRGB(0, 0, 32, 32, null, 0, 32), b.getRGB(0, 0, 32, 32, null, 0, 32)))
                .as("same seed, same pixels").isTrue();
        assertThat(out.resolve("latents.safetensors")).exists();
        assertThat(out.resolve("images.safetensors")).exists();
    }

    static Path embeddings(Path file, int m, int width) throws Exception {
        try (var nd = ai.djl.ndarray.NDManager.newBaseManager()) {
            var v = nd.randomNormal(new ai.djl.ndarray.types.Shape(m, width));
            new dev.originality.inversion.LearnedEmbeddings("<s*>", v, Map.of()).save(file);
        }
        return file;
    }

    @Test
    void learnedEmbeddingsStandInForBraces() throws Exception {
        Path emb = embeddings(tmp.resolve("e.safetensors"), 2, 32), out = tmp.resolve("gen");
        var r = run("generate", "--model", MODEL, "--prompt", "a {} picture", "--embeddings", emb.toString(), "--steps", "2",
                "--num-images", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path png;
        try (var files = Files.list(out)) {
            png = files.filter(f -> f.toString().endsWith(".png")).findFirst().orElseThrow();
        }
        assertThat(PngImages.readText(png)).containsEntry("embeddings", emb.toString());
        // The same prompt without the learned vectors is a different picture.
        var plain = run("generate", "--model", MODEL, "--prompt", "a picture", "--steps", "2", "--num-images", "1", "--out", tmp.resolve("plain").toString());
        assertThat(plain.code()).isZero();
        try (var files = Files.list(tmp.resolve("plain"))) {
            Path p2 = files.filter(f -> f.toString().endsWith(".png")).findFirst().orElseThrow();
            assertThat(Files.readAllBytes(p2)).isNotEqualTo(Files.readAllBytes(png));
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path narrow = embeddings(tmp.resolve("narrow.safetensors"), 2, 16);
        Path bad = tmp.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        Path notModel = Files.createDirectories(tmp.resolve("empty"));
        String[][] cases = {
                {"generate", "--model", tmp.resolve("missing").toString(), "--prompt", "x", "--out", tmp.resolve("o").toString()},
                {"generate", "--model", notModel.toString(), "--prompt", "x", "--out", tmp.resolve("o").toString()},
                {"generate", "--model", MODEL, "--prompt", "x", "--scheduler", "euler", "--out", tmp.resolve("o").toString()},
                {"generate", "--model", MODEL, "--prompt", "x", "--latents", bad.toString(), "--out", tmp.resolve("o").toString()},
                {"generate", "--model", MODEL, "--prompt", "x", "--steps", "0", "--out", tmp.resolve("o").toString()},
                {"generate", "--model", MODEL, "--prompt", "x", "--device", "tpu", "--out", tmp.resolve("o").toString()},
                {"generate", "--model", MODEL, "--prompt", "{}", "--embeddings", narrow.toString(), "--out", tmp.resolve("o").toString()},
                {"generate", "--model", MODEL, "--prompt", "x", "--embeddings", narrow.toString(), "--out", tmp.resolve("o").toString()},
                {"generate", "--model", MODEL, "--prompt", "{}", "--embeddings", tmp.resolve("none.safetensors").toString(), "--out", tmp.resolve("o").toString()},
        };
        for (String[] c : cases) {
            var r = run(c);
            assertThat(r.code()).as(String.join(" ", c) + " → " + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(tmp.resolve("o")).doesNotExist();
        }
    }
}
