package dev.originality.measure.clip;

import static dev.originality.diffusion.models.Fixtures.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.measure.vit.BicubicResizeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tiny CLIPModel against transformers 4.44 (PyTorch, float32): both towers, projections and logits. */
class ClipModelTest {
    static final Path TINY = Path.of("src/test/resources/clip-tiny");
    static final Path MODEL = TINY.resolve("model");

    @Test
    void matchesTheReferenceTowersEmbeddingsAndLogits() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); ClipModel clip = ClipModel.load(MODEL, m)) {
            Map<String, NDArray> io = SafeTensors.load(TINY.resolve("clip_model_io.safetensors"), m);
            ClipModel.VisionOutput v = clip.vision(io.get("pixel_values"));
            ClipModel.TextOutput t = clip.text(io.get("input_ids"));
            assertClose("vision_last_hidden_state", v.lastHiddenState(), io.get("vision_last_hidden_state"));
            assertClose("vision_pooled", v.pooled(), io.get("vision_pooled"));
            assertClose("image_embeds", v.embeds(), io.get("image_embeds"));
            assertClose("text_pooled", t.pooled(), io.get("text_pooled"));
            assertClose("text_embeds", t.embeds(), io.get("text_embeds"));
            assertClose("logits_per_image", clip.logitsPerImage(v.embeds(), t.embeds()), io.get("logits_per_image"));
            assertThat(clip.logitScale()).isCloseTo((float) Math.exp(2.6592), org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    @Test
    void zeroShotOfAnImageAtModelSizeEqualsTheTensorPath() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); ClipZeroShot zs = ClipZeroShot.load(MODEL)) {
            // an 8-bit image whose pixels, normalised as CLIP does, are what the tensor path is fed
            NDArray px = SafeTensors.load(TINY.resolve("clip_model_io.safetensors"), m).get("pixel_values").get("0:1"); // [1, 3, 32, 32]
            NDArray mean = m.create(ClipPreprocess.MEAN, new ai.djl.ndarray.types.Shape(1, 3, 1, 1));
            NDArray std = m.create(ClipPreprocess.STD, new ai.djl.ndarray.types.Shape(1, 3, 1, 1));
            var img = BicubicResizeTest.image(px.mul(std).add(mean).clip(0, 1).get(0));
            NDArray back = ClipPreprocess.pixelValues(m, List.of(img), 32);
            List<String> texts = List.of("a photo of an astronaut riding a horse on mars", "");
            float[] viaImage = zs.logits(List.of(img), texts)[0];
            var clip = zs.model();
            float[] viaTensor = clip.logitsPerImage(clip.vision(back).embeds(), clip.text(m.create(
                    SafeTensors.load(TINY.resolve("clip_model_io.safetensors"), m).get("input_ids").toLongArray(),
                    new ai.djl.ndarray.types.Shape(2, 77))).embeds()).toFloatArray();
            assertThat(viaImage).containsExactly(viaTensor, org.assertj.core.data.Offset.offset(1e-4f));
            // a 3x larger, wider image is resized on its short side and centre-cropped back to 32x32
            var wide = new java.awt.image.BufferedImage(96 + 30, 96, java.awt.image.BufferedImage.TYPE_INT_RGB);
            wide.createGraphics().drawImage(BicubicResizeTest.upscaled(img, 3), 15, 0, null);
            assertThat(ClipPreprocess.pixelValues(m, List.of(wide), 32).getShape()).isEqualTo(new ai.djl.ndarray.types.Shape(1, 3, 32, 32));
            float[] viaWide = zs.logits(List.of(wide), texts)[0];
            assertThat(viaWide[0]).isCloseTo(viaImage[0], org.assertj.core.data.Offset.offset(0.05f));
        }
    }

    @Test
    void aMissingTensorIsNamed(@TempDir Path tmp) throws IOException {
        Files.copy(MODEL.resolve("config.json"), tmp.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = new LinkedHashMap<>(SafeTensors.load(MODEL.resolve("model.safetensors"), m));
            w.remove("visual_projection.weight");
            SafeTensors.save(tmp.resolve("model.safetensors"), w, Map.of());
            assertThatThrownBy(() -> ClipModel.load(tmp, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing tensor 'visual_projection.weight'");
        }
    }

    @Test
    void aConfigThatIsNotClipIsRefused(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"siglip\"}");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ClipModel.load(tmp, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected model_type \"clip\"").hasMessageContaining("\"siglip\"");
        }
    }
}
