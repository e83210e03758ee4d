package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.nn.Weights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Where a model's tensors come from while it is built, and the record of every tensor it took,
 * under its full diffusers name. Blocks ask for each tensor by name and shape; the source is
 * either a checkpoint ({@link #from(Weights)}, strict) or a seeded initialiser for training from
 * scratch ({@link #initialised}). The record ({@link #taken()}) is what a model exposes as its
 * parameters, so a training module can make them trainable.
 */
public final class Params {
    /** Supplies the tensor with this full name and shape. */
    @FunctionalInterface
    public interface Source {
        NDArray get(String name, long[] shape);
    }

    private final Source source;
    private final String prefix;
    private final Map<String, NDArray> taken;

    private Params(Source source, String prefix, Map<String, NDArray> taken) {
        this.source = source;
        this.prefix = prefix;
        this.taken = taken;
    }

    /** Tensors from a checkpoint; missing or mis-shaped tensors fail in {@link Weights#take}. */
    public static Params from(Weights weights) {
        return new Params(weights::take, "", new LinkedHashMap<>());
    }

    /**
     * Fresh tensors as PyTorch initialises its layers, seeded: matrices and kernels uniform in
     * ±1/√fan_in, 1-D weights (norm scales) ones, biases zeros.
     */
    public static Params initialised(NDManager manager, long seed) {
        Random rng = new Random(seed);
        return new Params((name, shape) -> initialTensor(manager, rng, name, shape), "", new LinkedHashMap<>());
    }

    public Params at(String name) {
        return new Params(source, prefix + name + ".", taken);
    }

    public Params at(String name, int index) {
        return at(name + "." + index);
    }

    /** The tensor {@code name} (relative to this view), which must have exactly {@code shape}. */
    public NDArray take(String name, long... shape) {
        String full = prefix + name;
        NDArray t = source.get(full, shape);
        taken.put(full, t);
        return t;
    }

    /** Every tensor taken so far, in build order, by full diffusers name. */
    public Map<String, NDArray> taken() {
        return Collections.unmodifiableMap(taken);
    }

    private static NDArray initialTensor(NDManager manager, Random rng, String name, long[] shape) {
        Shape s = new Shape(shape);
        if (shape.length == 1) return name.endsWith("bias") ? manager.zeros(s) : manager.ones(s);
        long fanIn = s.size() / shape[0];
        float bound = (float) (1 / Math.sqrt(fanIn));
        float[] values = new float[Math.toIntExact(s.size())];
        for (int i = 0; i < values.length; i++) values[i] = (2 * rng.nextFloat() - 1) * bound;
        return manager.create(values, s);
    }
}
