package dev.originality.measure.dreamsim;

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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The tiny DreamSim ensemble against the reference (dreamsim 0.2.1, PyTorch, float32). */
class DreamSimTest {
    static final Path TINY = Path.of("src/test/resources/dreamsim-tiny");
    static final Path MODEL = TINY.resolve("model");
    static final double TOLERANCE = 1e-4;

    @Test
    void matchesTheReferenceFeaturesEmbeddingsAndDistances() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); DreamSim ds = DreamSim.load(MODEL, m)) {
            Map<String, NDArray> io = SafeTensors.load(TINY.resolve("dreamsim_io.safetensors"), m);
            DreamSim.Embedding a = ds.embedAll(io.get("img_a"));
            String[] names = {"feat0.dino_vitb16.a", "feat1.clip_vitb16.a", "feat2.open_clip_vitb16.a"};
            for (int i = 0; i < names.length; i++) {
                assertClose(names[i], a.features().get(i).reshape(-1), io.get(names[i]));
            }
            assertClose("embed_a", a.embedding(), io.get("embed_a"));
            assertClose("embed_b", ds.embed(io.get("img_b")), io.get("embed_b"));
            assertClose("distance", ds.distance(io.get("img_a"), io.get("img_b")), io.get("distance"));
            assertClose("distance_a_c", ds.distance(io.get("img_a"), io.get("img_c")), io.get("distance_a_c"));
            assertThat(ds.config().embeddingDim()).isEqualTo(48);
        }
    }

    @Test
    void embedsABatchRowByRowAsSingleImages() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); DreamSim ds = DreamSim.load(MODEL, m)) {
            Map<String, NDArray> io = SafeTensors.load(TINY.resolve("dreamsim_io.safetensors"), m);
            NDArray batch = io.get("img_a").concat(io.get("img_b"), 0).concat(io.get("img_c"), 0); // [3, 3, 64, 64]
            NDArray d = ds.distance(batch, io.get("img_a").repeat(0, 3));                          // [3]
            float[] v = d.toFloatArray();
            assertThat(v[0]).isCloseTo(0f, within(1e-6f));
            assertThat((double) v[1]).isCloseTo(io.get("distance").getFloat(0), within(TOLERANCE));
            assertThat((double) v[2]).isCloseTo(io.get("distance_a_c").getFloat(0), within(TOLERANCE));
        }
    }

    @Test
    void distancesOfImagesResizeAndAgreeWithTensorDistances() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); DreamSim ds = DreamSim.load(MODEL, m)) {
            Map<String, NDArray> io = SafeTensors.load(TINY.resolve("dreamsim_io.safetensors"), m);
            var a = BicubicResizeTest.image(io.get("img_a").get(0));
            var b = BicubicResizeTest.image(io.get("img_b").get(0));
            double[] d = ds.distances(a, java.util.List.of(a, b));
            assertThat(d[0]).isCloseTo(0, within(1e-6));
            // 8-bit quantisation of the fixture's float images moves the distance only slightly
            assertThat(d[1]).isCloseTo(io.get("distance").getFloat(0), within(2e-3));
            // a larger image goes through the bicubic resize to 64x64 first
            var big = BicubicResizeTest.upscaled(a, 3);
            assertThat(ds.distances(a, java.util.List.of(big))[0]).isBetween(0.0, 0.02);
        }
    }

    @Test
    void rejectsPixelsOfTheWrongSize() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); DreamSim ds = DreamSim.load(MODEL, m)) {
            assertThatThrownBy(() -> ds.embed(m.zeros(new ai.djl.ndarray.types.Shape(1, 3, 32, 32))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[B, 3, 64, 64]").hasMessageContaining("(1, 3, 32, 32)");
        }
    }

    @Test
    void failsNamingAMissingUnexpectedOrMisShapedTensor(@TempDir Path dir) throws IOException {
        Files.copy(MODEL.resolve("config.json"), dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(SafeTensors.load(MODEL.resolve("model.safetensors"), m));

            Map<String, NDArray> missing = new LinkedHashMap<>(tensors);
            missing.remove("extractor_list.1.model.pos_drop.weight");
            SafeTensors.save(dir.resolve("model.safetensors"), missing, Map.of());
            assertThatThrownBy(() -> DreamSim.load(dir, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing tensor 'extractor_list.1.model.pos_drop.weight'");

            Map<String, NDArray> extra = new LinkedHashMap<>(tensors);
            extra.put("extractor_list.0.proj", m.zeros(new ai.djl.ndarray.types.Shape(16, 16)));
            SafeTensors.save(dir.resolve("model.safetensors"), extra, Map.of());
            assertThatThrownBy(() -> DreamSim.load(dir, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unexpected tensor extractor_list.0.proj");

            Map<String, NDArray> misShaped = new LinkedHashMap<>(tensors);
            misShaped.put("extractor_list.2.model.blocks.3.attn.qkv.weight", m.zeros(new ai.djl.ndarray.types.Shape(16, 48)));
            SafeTensors.save(dir.resolve("model.safetensors"), misShaped, Map.of());
            assertThatThrownBy(() -> DreamSim.load(dir, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'extractor_list.2.model.blocks.3.attn.qkv.weight' has shape (16, 48), expected (48, 16)");
        }
    }

    @Test
    void configRoundTripsAndRejectsUnmergedLora(@TempDir Path dir) throws IOException {
        DreamSimConfig c = DreamSimConfig.read(MODEL.resolve("config.json"));
        c.write(dir.resolve("config.json"));
        assertThat(DreamSimConfig.read(dir.resolve("config.json"))).isEqualTo(c);
        assertThat(DreamSimConfig.ensembleVitB16().embeddingDim()).isEqualTo(768 + 512 + 512);

        Files.writeString(dir.resolve("config.json"), Files.readString(MODEL.resolve("config.json")).replace("\"lora_merged\": true", "\"lora_merged\": false"));
        assertThatThrownBy(() -> DreamSimConfig.read(dir.resolve("config.json"))).hasMessageContaining("lora_merged");
    }

    static void assertClose(String what, NDArray actual, NDArray expected) {
        float[] a = actual.toFloatArray(), e = expected.toFloatArray();
        assertThat(a).as(what + " length").hasSize(e.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - e[i]));
        System.out.printf("dreamsim-tiny %s: max |diff| = %.3g%n", what, max);
        assertThat(max).as(what + " max |diff|").isLessThanOrEqualTo(TOLERANCE);
    }
}
