package dev.originality.experiments;

import dev.originality.measure.detect.ShapeDetector;
import dev.originality.training.ModelCard;
import dev.originality.training.TrainPreset;
import java.util.List;

/**
 * Sizes of one generalization study (paper §2, App. B.2): the training set per level, the model
 * trained on it, and the two generated sets (empty prompt; prompt naming a missing element).
 * Presets are data: {@code tiny} for tests, {@code cpu} for a 2-core machine, {@code paper} for App. B/E.1.
 *
 * @param datasetImages images rendered per level (paper App. B.1: 100K)
 * @param train         VAE and UNet sizes and steps (step counts may be raised later; --resume extends a model)
 * @param sharedVae     one VAE per variant, trained on the span-60 set of that variant, for every level.
 *                      The held-out pair is the same at every level of a variant, so this VAE never sees a
 *                      missing element either; it is a pixel codec for one rendered world, while what the study
 *                      measures (composing a new element from seen attributes) is learned by UNet and text
 *                      encoder, which stay per level. The paper trained everything per dataset (App. B.1): false.
 * @param images        default size of each generated set (paper App. B.2: 1024)
 * @param steps         denoising steps per generated image
 * @param guidance      classifier-free guidance of the prompted set (the empty-prompt set is unguided)
 * @param batch         most images denoised at once (memory bound; results do not depend on it)
 */
public record GeneralizationPreset(String name, int datasetImages, TrainPreset train, boolean sharedVae, int images, int steps,
                                   double guidance, String scheduler, int batch, double detectorThreshold) {
    public static final List<String> NAMES = List.of("tiny", "cpu", "paper");

    public GeneralizationPreset {
        if (datasetImages < 1) throw new IllegalArgumentException("dataset images must be at least 1, found " + datasetImages);
        if (images < 1) throw new IllegalArgumentException("--images must be at least 1, found " + images);
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("denoising steps must be in 1..1000, found " + steps);
        if (!(guidance >= 1) || Double.isInfinite(guidance)) throw new IllegalArgumentException("guidance must be a finite number >= 1, found " + guidance);
        if (!dev.originality.diffusion.schedulers.Schedulers.NAMES.contains(scheduler)) {
            throw new IllegalArgumentException("unknown scheduler '" + scheduler + "': expected one of " + dev.originality.diffusion.schedulers.Schedulers.NAMES);
        }
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, found " + batch);
        if (!(detectorThreshold >= 0 && detectorThreshold <= 1)) throw new IllegalArgumentException("detector threshold must be in [0, 1], found " + detectorThreshold);
    }

    public static GeneralizationPreset named(String name) {
        return switch (name) {
            // Seconds on 2 cores: two levels train, sample and count in well under a minute.
            case "tiny" -> new GeneralizationPreset("tiny", 48, TrainPreset.named("tiny"), false, 4, 3, 3.0, "ddim", 8,
                    ShapeDetector.DEFAULT_THRESHOLD);
            // Five levels in <= 3 hours on 2 cores, sized by measurement (2026-11-29, seed 1, idle machine):
            //   shared VAE, 1,000 steps x 0.37 s (batch 16)                                ≈  6 min (once)
            //   per level: dataset, 16,000 renders                                         ≈  8 s
            //              latents of 16,000 images (once; cached)                         ≈ 35 s
            //              UNet 2,400 steps x 0.74-0.82 s (batch 32)                        ≈ 30-33 min
            //              256 empty (unguided) + 256 prompted (guided) images, 20 DDIM steps, detection ≈ 133 s
            //   total ≈ 1,250 s + 5 x 2,400 x 0.76-0.82 s ≈ 2 h 53 min - 3 h 05 min.
            // 800 UNet steps (the first, estimated size) left level 60 unable to follow a prompt: the named missing
            // element in 0.026 of prompted detections; 2,400 steps: 0.227 (blue circle drawn in half the images, red
            // square in none); 4,000 steps: 0.091 (it copies seen combinations). Level 4 at 2,400: 0.0. README,
            // "The generalization study".
            case "cpu" -> new GeneralizationPreset("cpu", 16_000, steps(TrainPreset.named("cpu"), 1_000, 2_400), true, 256, 20, 7.5, "ddim", 50,
                    ShapeDetector.DEFAULT_THRESHOLD);
            // App. B.1/B.2, E.1: 100K images and a model per dataset, 1024 images per set, SD's PNDM sampler.
            case "paper" -> new GeneralizationPreset("paper", 100_000, TrainPreset.named("paper"), false, 1024, 50, 7.5, "pndm", 64,
                    ShapeDetector.DEFAULT_THRESHOLD);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "': expected one of " + String.join(", ", NAMES));
        };
    }

    /** The preset with command-line overrides; null keeps the preset's value. */
    public GeneralizationPreset with(Integer images, Integer datasetImages, Integer vaeSteps, Integer unetSteps, Boolean sharedVae) {
        TrainPreset t = steps(train, vaeSteps != null ? vaeSteps : train.vaeSteps(), unetSteps != null ? unetSteps : train.unetSteps());
        return new GeneralizationPreset(name, datasetImages != null ? datasetImages : this.datasetImages, t,
                sharedVae != null ? sharedVae : this.sharedVae, images != null ? images : this.images, steps, guidance, scheduler, batch,
                detectorThreshold);
    }

    private static TrainPreset steps(TrainPreset p, int vae, int unet) {
        return ModelCard.override(ModelCard.override(p, true, false, vae, null, null), false, true, unet, null, null);
    }
}
