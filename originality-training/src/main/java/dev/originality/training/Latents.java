package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.models.vae.AutoencoderKL;

import dev.originality.diffusion.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The frozen VAE's latents of every training image, computed once (posterior mean × scaling
 * factor): the UNet stage then never runs the encoder again, which on a CPU is most of the saving.
 * Encoding 100,000 64x64 images takes about 20 minutes on 2 cores, so the result is cached next to
 * the stage's checkpoint, keyed by the VAE's and the data's fingerprints: a resumed run reuses it.
 */
final class Latents {
    private Latents() {}

    static final String CACHE = "latents.safetensors";

    /** Beside the checkpoint, not in it: a checkpoint replaces its whole folder when it is written. */
    static Path cacheFile(Path modelDir) {
        return modelDir.resolve("checkpoint-latents").resolve(CACHE);
    }

    /** The cached latents in {@code cache} when they were made by the same VAE from the same data; else encodes and caches them. */
    static float[][] cached(AutoencoderKL vae, String vaeSha256, ImageData data, Path cache, NDManager m, IntConsumer progress)
            throws IOException {
        String dataSha = data.fingerprint();
        if (Files.isRegularFile(cache)) {
            var f = SafeTensors.read(cache);
            if (vaeSha256.equals(f.metadata().get("vae_sha256")) && dataSha.equals(f.metadata().get("data_sha256"))) {
                try (NDManager s = m.newSubManager()) {
                    NDArray all = SafeTensors.load(cache, s).get("latents");                    // [N, 4·h·w]
                    if (all != null && all.getShape().get(0) == data.count()) {
                        int plane = (int) all.getShape().get(1);
                        float[] flat = all.toFloatArray();
                        float[][] out = new float[data.count()][];
                        for (int i = 0; i < out.length; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * plane, (i + 1) * plane);
                        return out;
                    }
                }
            }
        }
        float[][] out = encode(vae, data, m, progress);
        Files.createDirectories(cache.getParent());
        try (NDManager s = m.newSubManager()) {
            float[] flat = new float[out.length * out[0].length];
            for (int i = 0; i < out.length; i++) System.arraycopy(out[i], 0, flat, i * out[0].length, out[0].length);
            SafeTensors.save(cache, Map.of("latents", s.create(flat, new ai.djl.ndarray.types.Shape(out.length, out[0].length))),
                    Map.of("vae_sha256", vaeSha256, "data_sha256", dataSha));
        }
        return out;
    }

    static float[][] encode(AutoencoderKL vae, ImageData data, NDManager m) {
        return encode(vae, data, m, i -> { });
    }

    /** progress receives the number of images encoded so far. */
    static float[][] encode(AutoencoderKL vae, ImageData data, NDManager m, IntConsumer progress) {
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
            progress.accept(idx[idx.length - 1] + 1);
        }
        return out;
    }
}
