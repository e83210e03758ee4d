package dev.originality.diffusion.pipelines;

import ai.djl.ndarray.NDArray;

import java.util.Map;
import java.util.Objects;

/**
 * One text-to-image request (diffusers' StableDiffusionPipeline arguments).
 *
 * @param initialLatents  [N, C, h, w] starting noise, or null to draw it from {@code seed} (diffusers' {@code latents=})
 * @param injected        learned embeddings for added tokens appearing in the prompt, token → [C]
 *                        (one entry per placeholder token, e.g. "<s*1>" … "<s*m>")
 */
public record GenerationRequest(String prompt, String negativePrompt, int numImages, int steps, double guidanceScale,
                                String scheduler, long seed, NDArray initialLatents, Map<String, NDArray> injected) {
    /** SD v1's defaults (diffusers): 50 steps, guidance 7.5, PNDM. */
    public static final int DEFAULT_STEPS = 50;
    public static final double DEFAULT_GUIDANCE = 7.5;
    public static final String DEFAULT_SCHEDULER = "pndm";

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        injected = injected == null ? Map.of() : Map.copyOf(injected);
        if (numImages < 1) throw new IllegalArgumentException("number of images must be at least 1, found " + numImages);
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("steps must be in 1..1000, found " + steps);
        if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance scale must be a finite number >= 0, found " + guidanceScale);
        }
        if (initialLatents != null && initialLatents.getShape().get(0) != numImages) {
            throw new IllegalArgumentException("initial latents hold " + initialLatents.getShape().get(0)
                    + " images, but " + numImages + " were asked for");
        }
    }

    public static GenerationRequest of(String prompt, long seed) {
        return new GenerationRequest(prompt, "", 1, DEFAULT_STEPS, DEFAULT_GUIDANCE, DEFAULT_SCHEDULER, seed, null, Map.of());
    }

    public GenerationRequest withSteps(int s) {
        return new GenerationRequest(prompt, negativePrompt, numImages, s, guidanceScale, scheduler, seed, initialLatents, injected);
    }

    public GenerationRequest withGuidance(double g) {
        return new GenerationRequest(prompt, negativePrompt, numImages, steps, g, scheduler, seed, initialLatents, injected);
    }

    public GenerationRequest withScheduler(String s) {
        return new GenerationRequest(prompt, negativePrompt, numImages, steps, guidanceScale, s, seed, initialLatents, injected);
    }

    public GenerationRequest withImages(int n) {
        return new GenerationRequest(prompt, negativePrompt, n, steps, guidanceScale, scheduler, seed, initialLatents, injected);
    }

    public GenerationRequest withLatents(NDArray latents) {
        return new GenerationRequest(prompt, negativePrompt, numImages, steps, guidanceScale, scheduler, seed, latents, injected);
    }

    public GenerationRequest withNegativePrompt(String n) {
        return new GenerationRequest(prompt, n, numImages, steps, guidanceScale, scheduler, seed, initialLatents, injected);
    }

    public GenerationRequest withInjected(Map<String, NDArray> emb) {
        return new GenerationRequest(prompt, negativePrompt, numImages, steps, guidanceScale, scheduler, seed, initialLatents, emb);
    }

    /** Classifier-free guidance is skipped (one UNet pass per step) when it cannot change the result. */
    public boolean guided() {
        return guidanceScale > 1.0;
    }
}
