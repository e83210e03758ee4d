package dev.originality.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** score on a real (tiny, random-weight) SD v1 folder with the tiny DreamSim and CLIP: plumbing, files and bad input. */
class RealScoreCommandTest {
    static final String SD = InvertCommandTest.TINY;
    static final String DREAMSIM = "../originality-measure/src/test/resources/dreamsim-tiny/model";
    static final String CLIP = "../originality-measure/src/test/resources/clip-tiny/model";
    @TempDir Path tmp;

    /** A 70x50 JPEG photo stand-in: non-square and not the model's size, so crop and resize both happen. */
    private Path jpeg() throws Exception {
        BufferedImage img = new BufferedImage(70, 50, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(190, 120, 60), 70, 50, new Color(40, 70, 170)));
        g.fillRect(0, 0, 70, 50);
        g.setColor(Color.WHITE);
        g.fillRect(25, 12, 20, 26);
        g.dispose();
        Path f = tmp.resolve("house.jpg");
        ImageIO.write(img, "jpg", f.toFile());
        return f;
    }

    private static InvertCommandTest.Result score(Path image, Path out, String dreamsim, String model) {
        return InvertCommandTest.run("score", image.toString(), "--model", model, "--dreamsim", dreamsim, "--clip", CLIP,
                "--init-token", "house", "--templates", "object", "--preset", "tiny", "--steps", "3", "--samples", "3",
                "--inference-steps", "2", "--seed", "5", "--out", out.toString());
    }

    @Test
    void scoresAJpegWithDreamSimAndEditability() throws Exception {
        Path out = tmp.resolve("out");
        var r = score(jpeg(), out, DREAMSIM, SD);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("house.jpg").contains("dreamsim").contains("editability");
        JsonNode s = new ObjectMapper().readTree(out.resolve("house/score.json").toFile());
        assertThat(s.path("judge").path("name").asText()).isEqualTo("dreamsim+clip");
        assertThat(s.path("judge").path("distanceThreshold").asDouble()).isEqualTo(0.45);
        assertThat(s.path("judge").path("edit_text").asText()).isEqualTo("cat in house");
        assertThat(s.path("config").path("inversion").path("initToken").asText()).isEqualTo("house");
        assertThat(s.path("config").path("inversion").path("templates").get(0).asText()).isEqualTo("a photo of a {}");
        assertThat(s.path("preprocessing").asText()).contains("70x50").contains("centre crop 50x50").contains("bicubic resize 32x32");
        assertThat(s.path("per_length")).hasSize(2);
        Integer min = null;
        for (JsonNode l : s.path("per_length")) {
            int m = l.path("tokens").asInt();
            double mean = l.path("dreamsim_mean").asDouble();
            assertThat(mean).isBetween(0.0, 2.0);
            double sum = 0;
            for (JsonNode d : l.path("dreamsim")) sum += d.asDouble();
            assertThat(mean).isCloseTo(sum / 3, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(l.path("dreamsim_ci95").get(0).asDouble()).isLessThanOrEqualTo(mean);
            assertThat(l.path("dreamsim_ci95").get(1).asDouble()).isGreaterThanOrEqualTo(mean);
            double rate = l.path("editability_rate").asDouble();
            assertThat(rate * 3).isCloseTo(Math.rint(rate * 3), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(l.path("passed").asBoolean()).isEqualTo(mean <= 0.45 && rate >= 0.5);
            if (min == null && l.path("passed").asBoolean()) min = m;
            for (int j = 0; j < 3; j++) {
                assertThat(out.resolve(String.format("house/m%d/%02d.png", m, j))).exists();
                assertThat(out.resolve(String.format("house/m%d/edit-%02d.png", m, j))).exists();
            }
        }
        assertThat(s.path("verdict").asText()).isEqualTo(min == null ? "+" : min.toString());
        assertThat(out.resolve("house/report.html")).content().contains("m2/edit-02.png").contains("DreamSim mean").contains("editability");
        assertThat(out.resolve("house/embeddings/m2.safetensors")).exists();
        assertThat(out.resolve("summary.json")).content().contains("dreamsim_means");
    }

    @Test
    void anSdxlFolderIsOneLineAndExit2() throws Exception {
        Path xl = Files.createDirectories(tmp.resolve("sdxl"));
        Files.writeString(xl.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionXLPipeline\", "
                + "\"text_encoder\": [\"transformers\", \"CLIPTextModel\"], \"text_encoder_2\": [\"transformers\", \"CLIPTextModelWithProjection\"]}");
        var r = score(jpeg(), tmp.resolve("out"), DREAMSIM, xl.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("not a Stable Diffusion v1.x folder")
                .contains("StableDiffusionXLPipeline with text_encoder_2");
    }

    @Test
    void aDreamSimFolderWithAMissingTensorIsOneLineAndExit2() throws Exception {
        Path ds = Files.createDirectories(tmp.resolve("dreamsim"));
        Files.copy(Path.of(DREAMSIM, "config.json"), ds.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = new LinkedHashMap<>(SafeTensors.load(Path.of(DREAMSIM, "model.safetensors"), m));
            assertThat(w.remove("extractor_list.1.proj")).isNotNull();
            SafeTensors.save(ds.resolve("model.safetensors"), w, Map.of());
        }
        var r = score(jpeg(), tmp.resolve("out"), ds.toString(), SD);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("missing tensor 'extractor_list.1.proj'");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void anUndecodableImageIsOneLineAndExit2() throws Exception {
        Path bad = tmp.resolve("broken.jpg");
        Files.write(bad, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x12, 0x34});
        var r = score(bad, tmp.resolve("out"), DREAMSIM, SD);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("broken.jpg");
        assertThat(tmp.resolve("out/broken")).doesNotExist();
    }

    @Test
    void realImageOptionsNeedTheirFolders() throws Exception {
        var r = InvertCommandTest.run("score", jpeg().toString(), "--model", SD, "--dreamsim", DREAMSIM, "--init-token", "house",
                "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("needs both --dreamsim DIR and --clip DIR");
        r = InvertCommandTest.run("score", jpeg().toString(), "--model", SD, "--dreamsim", DREAMSIM, "--clip", CLIP,
                "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("needs --init-token W");
        r = InvertCommandTest.run("score", jpeg().toString(), "--model", SD, "--edit-prompt", "dog in {}", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("judge real images");
    }
}
