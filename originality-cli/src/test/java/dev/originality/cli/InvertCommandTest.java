package dev.originality.cli;

import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.inversion.LearnedEmbeddings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InvertCommandTest {
    static final String TINY = "../originality-diffusion/src/test/resources/fixtures/sd-tiny/pipeline";
    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A 48x40 JPEG: non-square and not the model's size, so crop and resize both happen. */
    private Path jpeg() throws Exception {
        BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 48, 40);
        g.setColor(Color.GREEN);
        g.fillRect(10, 8, 20, 20);
        g.dispose();
        Path f = tmp.resolve("query.jpg");
        ImageIO.write(img, "jpg", f.toFile());
        return f;
    }

    @Test
    void invertWritesEveryLength() throws Exception {
        Path out = tmp.resolve("emb/query.safetensors");
        Result r = run("invert", jpeg().toString(), "--model", TINY, "--tokens", "2", "--preset", "tiny", "--steps", "4",
                "--seed", "3", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("learned lengths 1..2");
        try (NDManager m = NDManager.newBaseManager()) {
            LearnedEmbeddings two = LearnedEmbeddings.load(out, m, 32);
            LearnedEmbeddings one = LearnedEmbeddings.load(tmp.resolve("emb/query.m1.safetensors"), m, 32);
            assertThat(two.count()).isEqualTo(2);
            assertThat(one.count()).isEqualTo(1);
            var md = SafeTensors.read(out).metadata();
            assertThat(md.get("preprocessing")).contains("48x40").contains("centre crop 40x40").contains("bicubic resize 32x32");
            assertThat(md.get("model_sha256")).hasSize(64);
            assertThat(md).containsEntry("seed", "3").containsEntry("steps", "4").containsEntry("tokens", "2");
            assertThat(md.get("command")).startsWith("originality invert ");
        }
    }

    @Test
    void badInputIsOneLineExitTwo() throws Exception {
        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "not an image");
        Path emptyModel = Files.createDirectories(tmp.resolve("empty-model"));
        String img = jpeg().toString(), o = tmp.resolve("never.safetensors").toString();
        List<String[]> bad = List.of(
                new String[] {"invert", text.toString(), "--model", TINY, "--tokens", "2", "--out", o},
                new String[] {"invert", tmp.resolve("missing.png").toString(), "--model", TINY, "--tokens", "2", "--out", o},
                new String[] {"invert", img, "--model", emptyModel.toString(), "--tokens", "2", "--out", o},
                new String[] {"invert", img, "--model", TINY, "--tokens", "0", "--out", o},
                new String[] {"invert", img, "--tokens", "2", "--out", o},
                new String[] {"invert", img, "--model", TINY, "--tokens", "2", "--preset", "huge", "--out", o},
                new String[] {"invert", img, "--model", TINY, "--tokens", "2", "--out", tmp.resolve("x.bin").toString()},
                new String[] {"invert", img, "--model", TINY, "--tokens", "2", "--length-samples", "3,1,1", "--out", o},
                new String[] {"invert", img, "--model", TINY, "--tokens", "2", "--batch", "5", "--length-samples", "3,1", "--out", o});
        List<String> expected = List.of("is not an image", "does not exist", "model_index.json", "--tokens must be at least 1",
                "no default model", "unknown inversion preset", ".safetensors file", "expected one count per length (2), found 3",
                "--batch 5 disagrees with --length-samples [3, 1]");
        for (int i = 0; i < bad.size(); i++) {
            Result r = run(bad.get(i));
            assertThat(r.code()).as(String.join(" ", bad.get(i)) + " -> " + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("originality invert: ").contains(expected.get(i));
        }
        assertThat(Files.exists(Path.of(o))).isFalse();
    }
}
