package dev.originality.training;

import java.util.List;

/**
 * Everything a training run needs besides data and seed. Presets are data (paper App. E.1 for
 * "paper"; "cpu" sized by measurement for a 2-core machine; "tiny" for tests).
 *
 * @param textMaxLength token positions of the text encoder and tokenizer (captions of 4 elements are 21 tokens)
 * @param klWeight      weight of the VAE's KL term against the per-pixel L1 reconstruction loss
 * @param snrGamma      min-SNR-γ loss weighting of the UNet stage (Hang et al. 2023): each timestep's noise-prediction
 *                      loss is weighted min(SNR, γ)/SNR, so that the many nearly-clean timesteps stop dominating the
 *                      gradient and the noisy ones, where layout, shape and colour are decided, get their share;
 *                      0 = plain MSE (the paper's loss)
 */
public record TrainPreset(
        String name,
        int imageSize,
        List<Integer> vaeChannels, int vaeLayers, int vaeGroups, int latentChannels,
        List<Integer> unetChannels, int unetLayers, int unetHeads, int unetGroups,
        int textHidden, int textLayers, int textHeads, int textMaxLength, int textVocab,
        int vaeSteps, int vaeBatch, double vaeLr, double klWeight,
        int unetSteps, int unetBatch, double unetLr, double captionDropout, double emaDecay,
        double snrGamma, int warmupSteps, int checkpointEvery) {

    public static final List<String> NAMES = List.of("tiny", "cpu", "paper");

    public TrainPreset {
        vaeChannels = List.copyOf(vaeChannels);
        unetChannels = List.copyOf(unetChannels);
        if (imageSize % (1 << (vaeChannels.size() - 1)) != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not divisible by the VAE factor " + (1 << (vaeChannels.size() - 1)));
        }
        positive("vae steps", vaeSteps);
        positive("vae batch", vaeBatch);
        positive("unet steps", unetSteps);
        positive("unet batch", unetBatch);
        positive("checkpoint interval", checkpointEvery);
        if (!(vaeLr > 0 && unetLr > 0)) throw new IllegalArgumentException("learning rates must be positive, found " + vaeLr + ", " + unetLr);
        if (!(captionDropout >= 0 && captionDropout < 1)) throw new IllegalArgumentException("caption dropout must be in [0, 1), found " + captionDropout);
        if (!(emaDecay > 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in (0, 1), found " + emaDecay);
        if (!(snrGamma >= 0 && snrGamma < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("min-SNR gamma must be finite and >= 0 (0 = off), found " + snrGamma);
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, found " + v);
    }

    public int latentSize() {
        return imageSize / (1 << (vaeChannels.size() - 1));
    }

    public static TrainPreset named(String name) {
        return switch (name) {
            // Seconds on 2 cores; just enough to show that both losses fall.
            case "tiny" -> new TrainPreset("tiny", 32, List.of(8, 16), 1, 4, 4, List.of(16, 32), 1, 2, 4,
                    16, 1, 2, 32, 600, 40, 8, 2e-3, 1e-6, 40, 8, 2e-3, 0.1, 0.99, 0, 5, 20);
            // 64x64 images → 16x16x4 latents (VAE factor 4 keeps the edges that tell a hexagon from a circle).
            // Sized by measurement on 2 cores (StepTimeProbe): VAE (16, 32, 64) batch 16 ≈ 0.75 s/step,
            // UNet (48, 96) × 2 layers batch 32 ≈ 1.25 s/step → about 20 + 65 minutes.
            case "cpu" -> new TrainPreset("cpu", 64, List.of(16, 32, 64), 1, 8, 4, List.of(48, 96), 2, 4, 16,
                    64, 2, 4, 32, 600, 1500, 16, 1e-3, 1e-6, 3000, 32, 5e-4, 0.1, 0.999, 5, 100, 250);
            // App. E.1: VAE 8 epochs, batch 32, lr 1e-5; UNet 15 epochs, batch 64, lr 6.4e-5, on 100K images.
            case "paper" -> new TrainPreset("paper", 64, List.of(64, 128, 256), 2, 32, 4, List.of(128, 256, 512), 2, 8, 32,
                    256, 4, 8, 32, 600, 25_000, 32, 1e-5, 1e-6, 23_438, 64, 6.4e-5, 0.1, 0.9999, 0, 500, 1000);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "': expected one of " + String.join(", ", NAMES));
        };
    }

    /** Learning rate at a step: linear warm-up, then constant (diffusers' "constant_with_warmup"). */
    public static double lrAt(double base, int step, int warmup) {
        return warmup <= 0 ? base : base * Math.min(1.0, (step + 1.0) / warmup);
    }
}
