package dev.originality.diffusion.models.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.models.blocks.Conv2d;
import dev.originality.diffusion.models.blocks.GroupNorm;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.nn.Weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Stable Diffusion's noise predictor (diffusers UNet2DConditionModel): latents, a timestep and
 * text states in, predicted noise out. Its tensors carry diffusers' names ({@link #parameters()})
 * and are frozen (no gradients) unless a trainer switches them on; gradients still flow to inputs
 * that require them (encoder_hidden_states in textual inversion). Intermediates belong to the
 * sample's NDManager: scope calls with a sub-manager.
 */
public final class UNet2DConditionModel {
    public static final String WEIGHTS_FILE = "diffusion_pytorch_model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    private static final BiConsumer<String, NDArray> NO_RECORDING = (name, x) -> { };

    private final UNetConfig config;
    private final TimestepEmbedding time;
    private final Conv2d convIn;
    private final List<DownBlock> downBlocks;
    private final MidBlock mid;
    private final List<UpBlock> upBlocks;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;
    private final Map<String, NDArray> parameters;

    private UNet2DConditionModel(UNetConfig c, Params p, NDManager manager) {
        this.config = c;
        List<Integer> ch = c.blockOutChannels();
        this.time = TimestepEmbedding.load(p, manager, c);
        this.convIn = Conv2d.load(p.at("conv_in"), c.inChannels(), ch.get(0), c.convInKernel());
        List<DownBlock> down = new ArrayList<>();
        int out = ch.get(0);
        for (int i = 0; i < c.levels(); i++) {
            down.add(DownBlock.load(p.at("down_blocks", i), c, i, out));
            out = ch.get(i);
        }
        this.downBlocks = List.copyOf(down);
        this.mid = MidBlock.load(p.at("mid_block"), c);
        List<UpBlock> up = new ArrayList<>();
        out = ch.get(c.levels() - 1);
        for (int i = 0; i < c.levels(); i++) {
            up.add(UpBlock.load(p.at("up_blocks", i), c, i, out));
            out = ch.get(c.levels() - 1 - i);
        }
        this.upBlocks = List.copyOf(up);
        this.convNormOut = GroupNorm.load(p.at("conv_norm_out"), ch.get(0), c.normNumGroups(), c.normEps());
        this.convOut = Conv2d.load(p.at("conv_out"), ch.get(0), c.outChannels(), c.convOutKernel());
        this.parameters = p.taken();
    }

    /** Reads {@code config.json} and {@code diffusion_pytorch_model.safetensors} of a diffusers "unet" folder. */
    public static UNet2DConditionModel load(Path componentDir, NDManager manager) throws IOException {
        UNetConfig config = UNetConfig.read(componentDir.resolve(CONFIG_FILE));
        Path file = componentDir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("UNet weights not found: expected file '" + file + "'");
        return fromWeights(config, new Weights(SafeTensors.load(file, manager), file.toString()), manager);
    }

    /**
     * Builds the model from named tensors, strictly: every tensor must be used, with its expected
     * shape. {@code manager} holds the model's own constants (timestep frequencies).
     */
    public static UNet2DConditionModel fromWeights(UNetConfig config, Weights weights, NDManager manager) {
        UNet2DConditionModel unet = new UNet2DConditionModel(config, Params.from(weights), manager);
        weights.requireAllTaken();
        return unet;
    }

    /** A freshly initialised model (PyTorch's default layer init), seeded: for training from scratch. */
    public static UNet2DConditionModel initialised(UNetConfig config, NDManager manager, long seed) {
        return new UNet2DConditionModel(config, Params.initialised(manager, seed), manager);
    }

    /**
     * sample: [B, 4, h, w] noisy latents; timesteps: [B] or a single value (any numeric type),
     * broadcast over the batch; encoderHiddenStates: [B, L, Ccross] → predicted noise [B, 4, h, w].
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates) {
        return forward(sample, timesteps, encoderHiddenStates, NO_RECORDING);
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray)}, handing intermediate activations to
     * {@code recorder} under the reference fixtures' names: act.time_proj, act.time_embedding,
     * act.conv_in, act.down_blocks.i, act.mid_block, act.up_blocks.i, act.conv_norm_out (the norm,
     * before SiLU), act.conv_out. {@code map::put} records into a map.
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates,
                           BiConsumer<String, NDArray> recorder) {
        long batch = checkInputs(sample, encoderHiddenStates);
        if (config.centerInputSample()) sample = sample.mul(Ops.constant(sample, 2)).sub(Ops.constant(sample, 1));

        NDArray tProj = time.project(timestepsFor(sample, timesteps, batch));     // [B, C0]
        recorder.accept("act.time_proj", tProj);
        NDArray temb = time.embed(tProj);                                         // [B, T]
        recorder.accept("act.time_embedding", temb);

        NDArray h = convIn.forward(sample);                                       // [B, C0, h, w]
        recorder.accept("act.conv_in", h);
        List<NDArray> skips = new ArrayList<>(List.of(h));
        for (int i = 0; i < downBlocks.size(); i++) {
            h = downBlocks.get(i).forward(h, temb, encoderHiddenStates, skips);
            recorder.accept("act.down_blocks." + i, h);
        }
        h = mid.forward(h, temb, encoderHiddenStates);
        recorder.accept("act.mid_block", h);
        for (int i = 0; i < upBlocks.size(); i++) {
            h = upBlocks.get(i).forward(h, temb, encoderHiddenStates, skips);
            recorder.accept("act.up_blocks." + i, h);
        }

        h = convNormOut.forward(h);
        recorder.accept("act.conv_norm_out", h);
        h = convOut.forward(Ops.silu(h));                                         // [B, 4, h, w]
        recorder.accept("act.conv_out", h);
        return h;
    }

    public UNetConfig config() {
        return config;
    }

    /** Every tensor by diffusers name, in build order; a trainer may call setRequiresGradient on them. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    private long checkInputs(NDArray sample, NDArray context) {
        Shape s = sample.getShape(), e = context.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet2DConditionModel: expected sample of shape [B, " + config.inChannels()
                    + ", h, w], found " + s);
        }
        if (e.dimension() != 3 || e.get(0) != s.get(0) || e.get(2) != config.crossAttentionDim()) {
            throw new IllegalArgumentException("UNet2DConditionModel: expected encoder_hidden_states of shape [" + s.get(0)
                    + ", L, " + config.crossAttentionDim() + "], found " + e);
        }
        return s.get(0);
    }

    /** timesteps: [B], [1] or [] → float32 [B] owned by the sample's manager, on its device. */
    private static NDArray timestepsFor(NDArray sample, NDArray timesteps, long batch) {
        Shape s = timesteps.getShape();
        boolean single = s.size() == 1 && s.dimension() <= 1;
        if (!single && !(s.dimension() == 1 && s.get(0) == batch)) {
            throw new IllegalArgumentException("UNet2DConditionModel: expected timesteps of shape [" + batch + "] or a single"
                    + " value, found " + s);
        }
        NDArray t = timesteps.toType(DataType.FLOAT32, true);
        t.attach(sample.getManager());
        t = t.toDevice(sample.getDevice(), false).reshape(single ? 1 : batch);
        return single ? t.broadcast(batch) : t;
    }
}
