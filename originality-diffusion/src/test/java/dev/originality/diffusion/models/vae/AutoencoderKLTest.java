package dev.originality.diffusion.models.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.models.Fixtures;
import dev.originality.diffusion.nn.Weights;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.originality.diffusion.models.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutoencoderKLTest {
    static final Path TINY_VAE = Fixtures.SD_TINY.resolve("pipeline/vae");

    @Test
    void tinyVaeMatchesDiffusers() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.load(TINY_VAE, m);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY.resolve("vae_io.safetensors"), m);
            Posterior p = vae.encode(io.get("image"));
            assertClose("sd-tiny vae posterior_mean", p.mean(), io.get("posterior_mean"));
            assertClose("sd-tiny vae posterior_logvar", p.logvar(), io.get("posterior_logvar"));
            assertClose("sd-tiny vae posterior_std", p.std(), io.get("posterior_std"));
            assertClose("sd-tiny vae decoded", vae.decode(io.get("latents")), io.get("decoded"));
            assertThat(vae.scalingFactor()).isEqualTo(0.18215);
        }
    }

    @Test
    void f16VaeMatchesDiffusers() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.load(Fixtures.SD_TINY_F16.resolve("vae"), m);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY_F16.resolve("fixtures/vae.safetensors"), m);
            Posterior p = vae.encode(io.get("image"));
            assertClose("f16 vae mean", p.mean(), io.get("mean"));
            assertClose("f16 vae logvar", p.logvar(), io.get("logvar"));
            assertClose("f16 vae std", p.std(), io.get("std"));
            assertClose("f16 vae posterior_sample", p.sample(io.get("posterior_eps")), io.get("posterior_sample"));
            assertClose("f16 vae decode_output", vae.decode(io.get("decode_input")), io.get("decode_output"));
            assertClose("f16 vae decode_of_mean", vae.decode(p.mode()), io.get("decode_of_mean"));
        }
    }

    @Test
    void weightsAreFrozenAndNamedAsInDiffusers() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.load(TINY_VAE, m);
            Map<String, NDArray> file = SafeTensors.load(TINY_VAE.resolve(AutoencoderKL.WEIGHTS_FILE), m);
            assertThat(vae.parameters().keySet()).containsExactlyInAnyOrderElementsOf(file.keySet());
            long count = vae.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            assertThat(count).isEqualTo(242327);   // index.json param_counts.vae
            assertThat(vae.parameters().values()).noneMatch(NDArray::hasGradient);
        }
    }

    @Test
    void misShapedMissingOrExtraTensorIsNamed() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VaeConfig config = VaeConfig.read(TINY_VAE.resolve("config.json"));
            Map<String, NDArray> good = SafeTensors.load(TINY_VAE.resolve(AutoencoderKL.WEIGHTS_FILE), m);

            Map<String, NDArray> misShaped = new LinkedHashMap<>(good);
            misShaped.put("decoder.conv_in.weight", m.zeros(new Shape(32, 4, 1, 1)));
            assertThatThrownBy(() -> AutoencoderKL.fromWeights(config, new Weights(misShaped, "bad.safetensors")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("decoder.conv_in.weight").hasMessageContaining("(32, 4, 1, 1)")
                    .hasMessageContaining("(32, 4, 3, 3)");

            Map<String, NDArray> missing = new LinkedHashMap<>(good);
            missing.remove("encoder.mid_block.attentions.0.to_q.bias");
            assertThatThrownBy(() -> AutoencoderKL.fromWeights(config, new Weights(missing, "bad.safetensors")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing tensor 'encoder.mid_block.attentions.0.to_q.bias'");

            Map<String, NDArray> extra = new LinkedHashMap<>(good);
            extra.put("encoder.surprise.weight", m.zeros(new Shape(1)));
            assertThatThrownBy(() -> AutoencoderKL.fromWeights(config, new Weights(extra, "bad.safetensors")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encoder.surprise.weight");
        }
    }

    @Test
    void seededInitialisationBuildsTheSameShapesAsTheCheckpoint() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VaeConfig config = VaeConfig.read(TINY_VAE.resolve("config.json"));
            AutoencoderKL a = AutoencoderKL.initialised(config, m, 42), b = AutoencoderKL.initialised(config, m, 42);
            Map<String, NDArray> file = SafeTensors.load(TINY_VAE.resolve(AutoencoderKL.WEIGHTS_FILE), m);
            assertThat(a.parameters()).hasSameSizeAs(file);
            a.parameters().forEach((name, t) -> assertThat(t.getShape()).as(name).isEqualTo(file.get(name).getShape()));
            NDArray image = m.randomUniform(-1, 1, new Shape(1, 3, 16, 16));
            NDArray out = a.decode(a.encode(image).mean());
            assertThat(out.getShape()).isEqualTo(new Shape(1, 3, 16, 16));
            assertThat(out.toFloatArray()).doesNotContain(Float.NaN);
            assertThat(Fixtures.maxAbsDiff(out, b.decode(b.encode(image).mean()))).isZero();
        }
    }
}
