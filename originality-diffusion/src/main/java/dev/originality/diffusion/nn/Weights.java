package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
    /** Non-null for a model made from scratch: creates each tensor the first time it is taken. */
    private final Init init;

    public Weights(Map<String, NDArray> tensors, String source) {
        this(new LinkedHashMap<>(tensors), Collections.synchronizedSet(new TreeSet<>()), "", source, null);
    }

    private Weights(Map<String, NDArray> tensors, Set<String> taken, String prefix, String source, Init init) {
        this.tensors = tensors;
        this.taken = taken;
        this.prefix = prefix;
        this.source = source;
        this.init = init;
    }

    /**
     * Weights for a model trained from scratch: building the model creates every tensor it takes,
     * initialised by {@link Init} from (seed, name) alone, so the result does not depend on the
     * order in which a model takes its tensors.
     */
    public static Weights fresh(NDManager manager, long seed, String source) {
        return new Weights(new LinkedHashMap<>(), Collections.synchronizedSet(new TreeSet<>()), "", source,
                new Init(manager, seed));
    }

    /** A view whose names are relative to {@code prefix + "."}, e.g. {@code w.at("down_blocks.0")}. */
    public Weights at(String name) {
        return new Weights(tensors, taken, full(name) + ".", source, init);
    }

    public Weights at(String name, int index) {
        return at(name + "." + index);
    }

    /** The tensor {@code name}, which must have exactly {@code shape}. */
    public NDArray take(String name, long... shape) {
        String key = full(name);
        if (init != null && !tensors.containsKey(key)) tensors.put(key, init.create(key, shape));
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

    /** Every tensor by full name, in the order taken or loaded (for saving and for training). */
    public Map<String, NDArray> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    private String full(String name) {
        return prefix + name;
    }
}
