package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * PyTorch's default initialisation, chosen by tensor name and rank, drawn from a generator seeded
 * by (seed, name): deterministic and independent of creation order.
 * <ul>
 *   <li>embeddings ({@code *embedding.weight}): N(0, 0.02), as CLIP;</li>
 *   <li>1-D {@code weight} (norm scales): ones; 1-D {@code bias}: zeros;</li>
 *   <li>other weights (conv, linear): kaiming-uniform with a = √5, i.e. U(±1/√fan_in), as torch.nn.</li>
 * </ul>
 */
final class Init {
    private final NDManager manager;
    private final long seed;

    Init(NDManager manager, long seed) {
        this.manager = manager;
        this.seed = seed;
    }

    NDArray create(String name, long[] shape) {
        Shape s = new Shape(shape);
        int n = Math.toIntExact(s.size());
        float[] v = new float[n];
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode() * 0xBF58476D1CE4E5B9L);
        if (name.endsWith("embedding.weight")) {
            for (int i = 0; i < n; i++) v[i] = (float) (0.02 * gaussian(r));
        } else if (shape.length == 1) {
            if (name.endsWith("weight")) java.util.Arrays.fill(v, 1f);
        } else {
            long fanIn = s.size() / shape[0];
            double bound = 1 / Math.sqrt(fanIn);
            for (int i = 0; i < n; i++) v[i] = (float) ((2 * r.nextDouble() - 1) * bound);
        }
        return manager.create(v, s);
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), w = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w);
    }
}
