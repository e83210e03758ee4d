package dev.originality.diffusion.models.unet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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

class UNet2DConditionModelTest {
    static final Path TINY_UNET = Fixtures.SD_TINY.resolve("pipeline/unet");

    @Test
    void tinyUNetAndEveryRecordedActivationMatchDiffusers() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(TINY_UNET, m);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY.resolve("unet_io.safetensors"), m);
            Map<String, NDArray> acts = new LinkedHashMap<>();
            NDArray out = unet.forward(io.get("sample"), io.get("timestep"), io.get("encoder_hidden_states"), acts::put);
            assertClose("sd-tiny unet out", out, io.get("out"));
            long expected = io.keySet().stream().filter(k -> k.startsWith("act.")).count();
            assertThat(expected).isEqualTo(10);
            assertThat(acts.keySet()).containsExactlyInAnyOrderElementsOf(
                    io.keySet().stream().filter(k -> k.startsWith("act.")).toList());
            acts.forEach((name, a) -> assertClose("sd-tiny unet " + name, a, io.get(name)));
        }
    }

    @Test
    void f16UNetWithEightHeadsMatchesDiffusers() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(Fixtures.SD_TINY_F16.resolve("unet"), m);
            assertThat(unet.config().attentionHeads()).containsExactly(8, 8);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY_F16.resolve("fixtures/unet.safetensors"), m);
            NDArray out = unet.forward(io.get("sample"), io.get("timestep"), io.get("encoder_hidden_states"));
            assertClose("f16 unet noise_pred", out, io.get("noise_pred"));
        }
    }

    @Test
    void singleTimestepIsBroadcastOverTheBatch() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(TINY_UNET, m);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY.resolve("unet_io.safetensors"), m);
            NDArray t = io.get("timestep");
            long t0 = t.toLongArray()[0];
            NDArray both = unet.forward(io.get("sample"), m.create(new long[] {t0, t0}), io.get("encoder_hidden_states"));
            NDArray scalar = unet.forward(io.get("sample"), m.create(t0), io.get("encoder_hidden_states"));
            NDArray floatOne = unet.forward(io.get("sample"), m.create(new float[] {t0}), io.get("encoder_hidden_states"));
            assertThat(Fixtures.maxAbsDiff(scalar, both)).isZero();
            assertThat(Fixtures.maxAbsDiff(floatOne, both)).isZero();
            // The first batch element used t0 in the fixture too.
            assertClose("broadcast timestep, element 0", both.get(0), io.get("out").get(0));
            assertThatThrownBy(() -> unet.forward(io.get("sample"), m.create(new long[] {1, 2, 3}), io.get("encoder_hidden_states")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timesteps of shape [2]");
        }
    }

    @Test
    void gradientReachesTextStatesThroughFrozenWeights() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(TINY_UNET, m);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY.resolve("unet_io.safetensors"), m);
            NDArray context = io.get("encoder_hidden_states");
            context.setRequiresGradient(true);
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray sample = io.get("sample").duplicate();
                sample.attach(step);
                NDArray out = unet.forward(sample, io.get("timestep"), context);
                gc.backward(out.square().mean());
            }
            float[] g = context.getGradient().toFloatArray();
            double norm = 0;
            for (float v : g) {
                assertThat(Float.isFinite(v)).isTrue();
                norm += v * v;
            }
            assertThat(norm).isGreaterThan(0);
            assertThat(unet.parameters()).hasSize(SafeTensors.load(TINY_UNET.resolve(UNet2DConditionModel.WEIGHTS_FILE), m).size());
            unet.parameters().forEach((name, w) -> assertThat(w.hasGradient()).as(name + " has a gradient").isFalse());
        }
    }

    @Test
    void parametersAreTheCheckpointsTensors() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(TINY_UNET, m);
            long count = unet.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            assertThat(count).isEqualTo(203204);   // index.json param_counts.unet
        }
    }

    @Test
    void misShapedMissingOrExtraTensorIsNamed() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetConfig config = UNetConfig.read(TINY_UNET.resolve("config.json"));
            Map<String, NDArray> good = SafeTensors.load(TINY_UNET.resolve(UNet2DConditionModel.WEIGHTS_FILE), m);
            String k = "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight";

            Map<String, NDArray> misShaped = new LinkedHashMap<>(good);
            misShaped.put(k, m.zeros(new Shape(16, 16)));
            assertThatThrownBy(() -> UNet2DConditionModel.fromWeights(config, new Weights(misShaped, "unet.safetensors"), m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(k).hasMessageContaining("(16, 16)").hasMessageContaining("expected (16, 32)");

            Map<String, NDArray> missing = new LinkedHashMap<>(good);
            missing.remove("up_blocks.0.upsamplers.0.conv.bias");
            assertThatThrownBy(() -> UNet2DConditionModel.fromWeights(config, new Weights(missing, "unet.safetensors"), m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing tensor 'up_blocks.0.upsamplers.0.conv.bias'");

            // A biased q projection is not SD's layout: the unused tensor is reported.
            Map<String, NDArray> extra = new LinkedHashMap<>(good);
            extra.put("mid_block.attentions.0.transformer_blocks.0.attn1.to_q.bias", m.zeros(new Shape(32)));
            assertThatThrownBy(() -> UNet2DConditionModel.fromWeights(config, new Weights(extra, "unet.safetensors"), m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unexpected tensor mid_block.attentions.0.transformer_blocks.0.attn1.to_q.bias");
        }
    }

    @Test
    void linearProjectionIsTheOneByOneConvolutionPerPosition() throws Exception {
        // SD 2.x layout: proj_in/proj_out are linear layers. The same weights, reshaped from
        // [C, C, 1, 1] to [C, C], must give the fixture's output.
        try (NDManager m = NDManager.newBaseManager()) {
            UNetConfig conv = UNetConfig.read(TINY_UNET.resolve("config.json"));
            var json = conv.toJson().put("use_linear_projection", true);
            UNetConfig linear = UNetConfig.fromJson(new dev.originality.diffusion.models.blocks.ConfigJson(json, "linear"));
            Map<String, NDArray> weights = new LinkedHashMap<>();
            SafeTensors.load(TINY_UNET.resolve(UNet2DConditionModel.WEIGHTS_FILE), m).forEach((name, t) ->
                    weights.put(name, name.matches(".*proj_(in|out)\\.weight") ? t.reshape(t.getShape().get(0), t.getShape().get(1)) : t));
            UNet2DConditionModel unet = UNet2DConditionModel.fromWeights(linear, new Weights(weights, "reshaped"), m);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY.resolve("unet_io.safetensors"), m);
            NDArray out = unet.forward(io.get("sample"), io.get("timestep"), io.get("encoder_hidden_states"));
            assertClose("sd-tiny unet, linear projection", out, io.get("out"));
        }
    }

    @Test
    void aWeightSwitchedToTrainableReceivesAGradient() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(TINY_UNET, m);
            Map<String, NDArray> io = Fixtures.load(Fixtures.SD_TINY.resolve("unet_io.safetensors"), m);
            NDArray w = unet.parameters().get("up_blocks.1.attentions.0.transformer_blocks.0.attn2.to_v.weight");
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = unet.forward(io.get("sample"), io.get("timestep"), io.get("encoder_hidden_states"));
                gc.backward(out.square().mean());
            }
            assertThat(w.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
            assertThat(unet.parameters().get("conv_in.weight").hasGradient()).isFalse();
        }
    }

    @Test
    void oddLatentSizesFollowTheSkipConnections() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetConfig config = UNetConfig.of(java.util.List.of(16, 32), 1, 4, 32, 8, 8);
            UNet2DConditionModel unet = UNet2DConditionModel.initialised(config, m, 3);
            NDArray out = unet.forward(m.randomNormal(new Shape(1, 4, 7, 5)), m.create(10L), m.randomNormal(new Shape(1, 6, 32)));
            assertThat(out.getShape()).isEqualTo(new Shape(1, 4, 7, 5));
            assertThat(out.toFloatArray()).doesNotContain(Float.NaN);
        }
    }
}
