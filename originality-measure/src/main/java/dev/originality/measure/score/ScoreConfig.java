package dev.originality.measure.score;

import dev.originality.inversion.InversionConfig;
import java.util.Locale;

/**
 * One originality score (paper §4): invert the query into m = 1..K tokens, draw {@code samples}
 * reconstructions per length, judge each with the detector, and take the smallest m whose
 * reconstruction rate reaches {@code threshold} while staying in distribution.
 *
 * @param inversion       the multi-token inversion (its maxTokens is K)
 * @param samples         N reconstructions per length, sample j drawn from seed {@code seed + j} for every length
 * @param threshold       τ: the reconstruction rate a length needs, in (0, 1]
 * @param steps           inference steps of each reconstruction
 * @param guidance        classifier-free guidance scale of the reconstructions
 * @param scheduler       sampler of the reconstructions (ddim, pndm, ddpm)
 * @param seed            seed of the reconstructions (the inversion has its own, in {@code inversion})
 * @param sequential      learn and judge one length at a time and stop at the first that passes
 *                        (cheaper for generic images, dearer for original ones)
 * @param detectorThreshold detections below this confidence are ignored (paper: 0.9)
 * @param minVariation    in-distribution: mean pairwise displacement of the reconstructed layouts, as a
 *                        fraction of the image side, must reach this (the world places elements at random)
 * @param copyDistance    a reconstruction whose layout lies within this fraction of the side of the
 *                        query's layout copies it
 * @param maxCopyShare    in-distribution fails when more than this share of the reconstructions copy the query
 * @param maxBatch        most reconstructions denoised at once (2x that many UNet rows with guidance): memory and speed
 *                        only — the images move by float rounding (a level in 1-2 of 32,768 pixels, 8 images at 8 vs
 *                        1 or 3), and resume keeps a score drawn with another maxBatch. On this CPU the UNet runs 15-18 ms
 *                        an image at 20-40 rows but 106-123 ms at 100 (its activations outgrow malloc's reuse), so 10.
 */
public record ScoreConfig(InversionConfig inversion, int samples, double threshold, int steps, double guidance, String scheduler,
                          long seed, boolean sequential, double detectorThreshold, double minVariation, double copyDistance,
                          double maxCopyShare, int maxBatch) {
    public static final double DEFAULT_THRESHOLD = 0.5;

    public ScoreConfig {
        if (samples < 1) throw new IllegalArgumentException("samples must be at least 1, found " + samples);
        if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("threshold τ must be in (0, 1], found " + threshold);
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("inference steps must be in 1..1000, found " + steps);
        if (!(guidance >= 0) || Double.isInfinite(guidance)) throw new IllegalArgumentException("guidance must be a finite number >= 0, found " + guidance);
        if (!(detectorThreshold >= 0 && detectorThreshold <= 1)) {
            throw new IllegalArgumentException("detector threshold must be in [0, 1], found " + detectorThreshold);
        }
        if (!(minVariation >= 0 && copyDistance >= 0 && maxCopyShare >= 0 && maxCopyShare <= 1)) {
            throw new IllegalArgumentException("in-distribution bounds must be >= 0 (copy share <= 1), found " + minVariation + ", "
                    + copyDistance + ", " + maxCopyShare);
        }
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1, found " + maxBatch);
    }

    public int maxTokens() {
        return inversion.maxTokens();
    }

    /** Test-sized: K = 2, 4 samples, 3 steps. */
    public static ScoreConfig tiny() {
        return new ScoreConfig(InversionConfig.tiny(), 4, DEFAULT_THRESHOLD, 3, 3.0, "ddim", 0, false, 0.9, 0.08, 0.03, 0.5, 64);
    }

    /**
     * This machine, about 2 minutes a score: the cpu inversion (800 steps x batch 5, cosine lr from 1e-2), 10 samples x 25
     * DDIM steps at guidance 7.5 per length (the caption itself reconstructs a common query at 16/20 with 25 steps, 13/20
     * with 10).
     */
    public static ScoreConfig cpu() {
        return new ScoreConfig(InversionConfig.cpu(), 10, DEFAULT_THRESHOLD, 25, 7.5, "ddim", 0, false, 0.9, 0.08, 0.03, 0.5, 10);
    }

    /** The Fig. 6 study's setting, about 6 minutes a score here: the thorough inversion (1000 x 20 at 5e-3), reconstructions as cpu. */
    public static ScoreConfig thorough() {
        return cpu().withInversion(InversionConfig.thorough());
    }

    /** The paper's recipe: inversion 2000 steps x batch 20 at lr 5e-4, 20 samples x 50 steps per length. */
    public static ScoreConfig paper() {
        return new ScoreConfig(InversionConfig.paper(), 20, DEFAULT_THRESHOLD, 50, 7.5, "pndm", 0, false, 0.9, 0.08, 0.03, 0.5, 10);
    }

    public static ScoreConfig preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> tiny();
            case "cpu" -> cpu();
            case "thorough" -> thorough();
            case "paper" -> paper();
            default -> throw new IllegalArgumentException("unknown score preset '" + name + "': expected tiny, cpu, thorough or paper");
        };
    }

    public ScoreConfig withInversion(InversionConfig i) {
        return new ScoreConfig(i, samples, threshold, steps, guidance, scheduler, seed, sequential, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, maxBatch);
    }

    public ScoreConfig withSamples(int n) {
        return new ScoreConfig(inversion, n, threshold, steps, guidance, scheduler, seed, sequential, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, maxBatch);
    }

    public ScoreConfig withThreshold(double t) {
        return new ScoreConfig(inversion, samples, t, steps, guidance, scheduler, seed, sequential, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, maxBatch);
    }

    public ScoreConfig withSteps(int s) {
        return new ScoreConfig(inversion, samples, threshold, s, guidance, scheduler, seed, sequential, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, maxBatch);
    }

    public ScoreConfig withGuidance(double g) {
        return new ScoreConfig(inversion, samples, threshold, steps, g, scheduler, seed, sequential, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, maxBatch);
    }

    public ScoreConfig withScheduler(String s) {
        return new ScoreConfig(inversion, samples, threshold, steps, guidance, s, seed, sequential, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, maxBatch);
    }

    /** One seed for everything: the reconstructions use it, the inversion too. */
    public ScoreConfig withSeed(long s) {
        return new ScoreConfig(inversion.withSeed(s), samples, threshold, steps, guidance, scheduler, s, sequential, detectorThreshold,
                minVariation, copyDistance, maxCopyShare, maxBatch);
    }

    public ScoreConfig withSequential(boolean q) {
        return new ScoreConfig(inversion, samples, threshold, steps, guidance, scheduler, seed, q, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, maxBatch);
    }

    public ScoreConfig withMaxBatch(int b) {
        return new ScoreConfig(inversion, samples, threshold, steps, guidance, scheduler, seed, sequential, detectorThreshold, minVariation,
                copyDistance, maxCopyShare, b);
    }
}
