package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.models.vae.AutoencoderKL;

import java.util.stream.IntStream;

/**
 * The frozen VAE's latents of every training image, computed once (posterior mean × scaling
 * factor): the UNet stage then never runs the encoder again, which on a CPU is most of the saving.
 */
final class Latents {
    private Latents() {}

    static float[][] encode(AutoencoderKL vae, ImageData data, NDManager m) {
        float[][] out = new float[data.count()][];
        float sf = (float) vae.scalingFactor();
        for (int start = 0; start < data.count(); start += 64) {
            int[] idx = IntStream.range(start, Math.min(data.count(), start + 64)).toArray();
            try (NDManager s = m.newSubManager()) {
                NDArray mean = vae.encode(data.batch(s, idx)).mean().mul(sf);          // [b, 4, h, w]
                float[] flat = mean.toFloatArray();
                int plane = flat.length / idx.length;
                for (int b = 0; b < idx.length; b++) {
                    out[idx[b]] = java.util.Arrays.copyOfRange(flat, b * plane, (b + 1) * plane);
                }
            }
        }
        return out;
    }
}
