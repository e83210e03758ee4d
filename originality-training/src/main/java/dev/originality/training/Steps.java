package dev.originality.training;

import ai.djl.engine.Engine;

import java.util.SplittableRandom;

/**
 * Per-step randomness derived from (seed, stage, step) alone: a resumed run draws exactly the
 * batches and noise of an uninterrupted one without saving generator state.
 */
final class Steps {
    private Steps() {}

    static SplittableRandom rng(long seed, String stage, int step) {
        return new SplittableRandom(mix(mix(seed ^ stage.hashCode()) + step));
    }

    /** Seeds libtorch's generator (noise tensors) for this step. */
    static void seedEngine(long seed, String stage, int step) {
        Engine.getInstance().setRandomSeed((int) mix(mix(seed + 31L * stage.hashCode()) ^ step));
    }

    static int[] batch(SplittableRandom r, int size, int count) {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) idx[i] = r.nextInt(count);
        return idx;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
