package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Named tensors of one model (diffusers parameter names), handed out strictly: a model takes each
 * tensor by name and expected shape while it is built, and {@link #requireAllTaken()} then fails
 * on any tensor the checkpoint has but the model never asked for. Missing, unexpected and
 * mis-shaped tensors are therefore all errors that name the tensor.
 */
public final class Weights {
    private final Map<String, NDArray> tensors;
    private final Set<String> taken;
    private final String prefix;
    private final String source;

    public Weights(Map<String, NDArray> tensors, String source) {
        this(new LinkedHashMap<>(tensors), Collections.synchronizedSet(new TreeSet<>()), "", source);
    }

    private Weights(Map<String, NDArray> tensors, Set<String> taken, String prefix, String source) {
        this.tensors = tensors;
        this.taken = taken;
        this.prefix = prefix;
        this.source = source;
    }

    /** A view whose names are relative to {@code prefix + "."}, e.g. {@code w.at("down_blocks.0")}. */
    public Weights at(String name) {
        return new Weights(tensors, taken, full(name) + ".", source);
    }

    public Weights at(String name, int index) {
        return at(name + "." + index);
    }

    /** The tensor {@code name}, which must have exactly {@code shape}. */
    public NDArray take(String name, long... shape) {
        String key = full(name);
        NDArray t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException(source + ": missing tensor '" + key + "' with shape " + new Shape(shape));
        if (!t.getShape().equals(new Shape(shape))) {
            throw new IllegalArgumentException(source + ": tensor '" + key + "' has shape " + t.getShape()
                    + ", expected " + new Shape(shape));
        }
        taken.add(key);
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(full(name));
    }

    /** Fails naming the tensors present in the file that no part of the model took. */
    public void requireAllTaken() {
        Set<String> extra = new TreeSet<>(tensors.keySet());
        extra.removeAll(taken);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException(source + ": unexpected tensor" + (extra.size() > 1 ? "s " : " ")
                    + String.join(", ", extra.stream().limit(8).toList()) + (extra.size() > 8 ? ", …" : ""));
        }
    }

    private String full(String name) {
        return prefix + name;
    }
}
