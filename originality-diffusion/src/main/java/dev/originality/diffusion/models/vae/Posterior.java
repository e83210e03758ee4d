package dev.originality.diffusion.models.vae;

import ai.djl.ndarray.NDArray;

/**
 * The encoder's diagonal Gaussian over latents (diffusers DiagonalGaussianDistribution), unscaled:
 * multiply a sample by {@link AutoencoderKL#scalingFactor()} before handing it to the UNet.
 */
public record Posterior(NDArray mean /* [B, 4, h, w] */, NDArray logvar /* [B, 4, h, w], clamped to [-30, 20] */,
                        NDArray std /* [B, 4, h, w] = exp(logvar / 2) */) {

    /** mean + std · noise; noise: [B, 4, h, w] standard normal, drawn by the caller (seeded). */
    public NDArray sample(NDArray noise) {
        if (!noise.getShape().equals(mean.getShape())) {
            throw new IllegalArgumentException("Posterior.sample: expected noise of shape " + mean.getShape() + ", found "
                    + noise.getShape());
        }
        return mean.add(std.mul(noise));
    }

    /** The distribution's mode (its mean). */
    public NDArray mode() {
        return mean;
    }
}
