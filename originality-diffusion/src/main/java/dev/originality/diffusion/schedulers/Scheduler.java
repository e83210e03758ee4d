package dev.originality.diffusion.schedulers;

import ai.djl.ndarray.NDArray;

/**
 * A diffusion noise scheduler (diffusers semantics). Models never see it; pipelines, training and
 * textual inversion do. Step math runs on the sample's device in its dtype; no gradients.
 */
public interface Scheduler extends AutoCloseable {
    String name();

    SchedulerConfig config();

    /** Chooses the inference timesteps for n steps (and resets any multistep history). */
    void setTimesteps(int numInferenceSteps);

    /** The inference timesteps, first to last (PNDM repeats one: 11 entries for 10 steps). */
    long[] timesteps();

    /**
     * One reverse step. modelOutput, sample: [B, C, h, w]; varianceNoise: standard normal of the
     * same shape for schedulers that add noise ({@link #needsNoise()}), else ignored (may be null).
     * Returns prev_sample, in sample's manager.
     */
    NDArray step(NDArray modelOutput, long timestep, NDArray sample, NDArray varianceNoise);

    /** Whether {@link #step} adds fresh noise (DDPM, DDIM with eta > 0). */
    default boolean needsNoise() {
        return false;
    }

    /** Forward process: √ᾱ_t x₀ + √(1 − ᾱ_t) ε. original, noise: [B, …]; timesteps: [B] int64. */
    NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps);

    default double initNoiseSigma() {
        return 1.0;
    }

    double[] alphasCumprod();

    /** Frees any history a multistep scheduler keeps. */
    @Override
    default void close() { }
}
