package dev.originality.cli;

import dev.originality.inversion.InversionConfig;
import picocli.CommandLine.Option;

/** The inversion's optimiser options, shared by {@code invert} and {@code score}; each unset one keeps the preset's value. */
final class InversionOptions {
    @Option(names = "--steps", description = "inversion optimiser steps (default: the preset's)")
    Integer steps;

    @Option(names = "--batch", description = "inversion batch, spread over the lengths (default: the preset's)")
    Integer batch;

    @Option(names = "--lr", description = "inversion AdamW learning rate, the peak of --lr-schedule (default: the preset's)")
    Double lr;

    @Option(names = "--lr-schedule", paramLabel = "constant|cosine", description = "constant (the paper) or cosine decay to 0 (default: the preset's)")
    String lrSchedule;

    @Option(names = "--micro-batch", paramLabel = "N", description = "samples per forward/backward pass (default 0 = the whole batch); "
            + "gradients add up over passes, so only memory changes (SD v1.x at 512x512 on a 24 GB machine: 1)")
    Integer microBatch;

    @Option(names = "--timestep-window", paramLabel = "W", description = "stratify each length's timesteps over windows of W "
            + "steps (default: the preset's; 0 = within each step); evens out the updates when a length gets one sample a step")
    Integer timestepWindow;

    @Option(names = "--restarts", paramLabel = "R", description = "learn each length R + 1 times over in the same batch and keep "
            + "the chain with the lowest denoising loss on fixed draws (default: the preset's, 0); the batch must hold K x (R + 1)")
    Integer restarts;

    @Option(names = "--init-noise", paramLabel = "SIGMA", description = "start every placeholder vector at the init word plus "
            + "SIGMA x its rms x N(0, 1) per coordinate, so tokens and chains start apart (default: the preset's, 0 = the paper)")
    Double initNoise;

    @Option(names = "--length-samples", paramLabel = "N1,N2,…", split = ",", description = "samples a step for each length "
            + "m = 1..K, e.g. 4,1,1,1,1; the batch is their sum (default: the preset's; --batch alone spreads it evenly)")
    java.util.List<Integer> lengthSamples;

    InversionConfig apply(InversionConfig c) {
        if (steps != null) c = c.withSteps(steps);
        if (batch != null) c = c.withBatch(batch);
        if (lengthSamples != null) {
            c = c.withLengthSamples(lengthSamples);                 // the batch becomes their sum
            if (batch != null && batch != c.batch()) {
                throw new IllegalArgumentException("--batch " + batch + " disagrees with --length-samples " + lengthSamples
                        + ", whose sum is the batch: give one of them");
            }
        }
        if (lr != null) c = c.withLr(lr);
        if (lrSchedule != null) c = c.withLrSchedule(lrSchedule);
        if (microBatch != null) c = c.withMicroBatch(microBatch);
        if (timestepWindow != null) c = c.withTimestepWindow(timestepWindow);
        if (restarts != null) c = c.withRestarts(restarts);
        if (initNoise != null) c = c.withInitNoise(initNoise);
        return c;
    }
}
