package dev.originality.diffusion.models.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.models.blocks.Conv2d;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.nn.Weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stable Diffusion's VAE (diffusers AutoencoderKL): images in [-1, 1] ↔ latents 1/f the size.
 * Its tensors carry diffusers' names ({@link #parameters()}); they are frozen (no gradients)
 * unless a trainer switches them on. Intermediates of {@link #encode}/{@link #decode} belong to
 * the input's NDManager: scope calls with a sub-manager.
 */
public final class AutoencoderKL {
    public static final String WEIGHTS_FILE = "diffusion_pytorch_model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    /** diffusers clamps the log-variance to this range before exponentiating. */
    static final double LOGVAR_MIN = -30, LOGVAR_MAX = 20;

    private final VaeConfig config;
    private final Encoder encoder;
    private final Conv2d quantConv;      // null when !useQuantConv
    private final Conv2d postQuantConv;  // null when !usePostQuantConv
    private final Decoder decoder;
    private final Map<String, NDArray> parameters;

    private AutoencoderKL(VaeConfig config, Params p) {
        this.config = config;
        int z = config.latentChannels();
        this.encoder = Encoder.load(p.at("encoder"), config);
        this.decoder = Decoder.load(p.at("decoder"), config);
        this.quantConv = config.useQuantConv() ? Conv2d.load(p.at("quant_conv"), 2L * z, 2L * z, 1) : null;
        this.postQuantConv = config.usePostQuantConv() ? Conv2d.load(p.at("post_quant_conv"), z, z, 1) : null;
        this.parameters = p.taken();
    }

    /** Reads {@code config.json} and {@code diffusion_pytorch_model.safetensors} of a diffusers "vae" folder. */
    public static AutoencoderKL load(Path componentDir, NDManager manager) throws IOException {
        VaeConfig config = VaeConfig.read(componentDir.resolve(CONFIG_FILE));
        Path file = componentDir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("VAE weights not found: expected file '" + file + "'");
        return fromWeights(config, new Weights(SafeTensors.load(file, manager), file.toString()));
    }

    /** Builds the model from named tensors, strictly: every tensor must be used, with its expected shape. */
    public static AutoencoderKL fromWeights(VaeConfig config, Weights weights) {
        AutoencoderKL vae = new AutoencoderKL(config, Params.from(weights));
        weights.requireAllTaken();
        return vae;
    }

    /** A freshly initialised model (PyTorch's default layer init), seeded: for training from scratch. */
    public static AutoencoderKL initialised(VaeConfig config, NDManager manager, long seed) {
        return new AutoencoderKL(config, Params.initialised(manager, seed));
    }

    /** images: [B, 3, H, W] in [-1, 1] → the posterior over latents [B, 4, H/f, W/f]. */
    public Posterior encode(NDArray images) {
        requireShape("images", images, config.inChannels());
        NDArray moments = encoder.forward(images);                              // [B, 2·4, h, w]
        if (quantConv != null) moments = quantConv.forward(moments);
        NDList halves = moments.split(2, 1);
        NDArray mean = halves.get(0);
        NDArray logvar = halves.get(1).maximum(Ops.constant(moments, LOGVAR_MIN)).minimum(Ops.constant(moments, LOGVAR_MAX));
        NDArray std = logvar.mul(Ops.constant(logvar, 0.5)).exp();
        return new Posterior(mean, logvar, std);
    }

    /** latents: [B, 4, h, w], unscaled (divide by {@link #scalingFactor()} first) → images [B, 3, h·f, w·f]. */
    public NDArray decode(NDArray latents) {
        requireShape("latents", latents, config.latentChannels());
        NDArray z = postQuantConv != null ? postQuantConv.forward(latents) : latents;
        return decoder.forward(z);
    }

    public double scalingFactor() {
        return config.scalingFactor();
    }

    public VaeConfig config() {
        return config;
    }

    /** Every tensor by diffusers name, in build order; a trainer may call setRequiresGradient on them. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    private static void requireShape(String what, NDArray x, int channels) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != channels) {
            throw new IllegalArgumentException("AutoencoderKL: expected " + what + " of shape [B, " + channels + ", H, W], found " + s);
        }
    }
}
