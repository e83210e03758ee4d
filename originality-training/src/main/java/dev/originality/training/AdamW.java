package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) over named parameters, using libtorch's
 * fused in-place update through DJL, which also zeroes each gradient. Its moments are named like
 * the parameters ("m." / "v." prefixes) so that a checkpoint can store and restore them.
 */
public final class AdamW implements AutoCloseable {
    public record Config(double beta1, double beta2, double epsilon, double weightDecay) {
        /** torch.optim.AdamW's defaults except weight decay, which diffusers' training scripts set to 1e-2. */
        public static final Config DEFAULT = new Config(0.9, 0.999, 1e-8, 1e-2);

        public Config {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must be in [0, 1), found " + beta1 + ", " + beta2);
            if (!(epsilon > 0)) throw new IllegalArgumentException("epsilon must be positive, found " + epsilon);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, found " + weightDecay);
        }
    }

    private final Config config;
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, NDArray> mean = new LinkedHashMap<>();
    private final Map<String, NDArray> variance = new LinkedHashMap<>();
    private long steps;

    public AdamW(Config config) {
        this.config = config;
    }

    /** One update of every parameter that has a gradient, at learning rate lr. */
    public void step(Map<String, NDArray> parameters, double lr) {
        steps++;
        double c1 = 1 - Math.pow(config.beta1(), steps), c2 = 1 - Math.pow(config.beta2(), steps);
        float lrCorrected = (float) (lr * Math.sqrt(c2) / c1);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray w = e.getValue();
            NDArray m = mean.computeIfAbsent(e.getKey(), k -> manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            NDArray v = variance.computeIfAbsent(e.getKey(), k -> manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            // getGradient wraps the grad in a new handle owned by w's manager: close it, or handles pile up per step
            try (NDArray g = w.getGradient()) {
                w.getNDArrayInternal().adamUpdate(new NDList(w, g, m, v), new NDList(w), (float) lr, lrCorrected,
                        (float) config.weightDecay(), 1f, -1f, (float) config.beta1(), (float) config.beta2(),
                        (float) config.epsilon(), false, true);
            }
        }
    }

    public long steps() {
        return steps;
    }

    /** Moments for a checkpoint, keyed "m.NAME" and "v.NAME". */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        mean.forEach((k, v) -> s.put("m." + k, v));
        variance.forEach((k, v) -> s.put("v." + k, v));
        return s;
    }

    /** Restores moments and the step count written by {@link #state()}. */
    public void restore(Map<String, NDArray> state, long stepCount) {
        mean.clear();
        variance.clear();
        state.forEach((k, v) -> {
            NDArray copy = v.duplicate();
            copy.attach(manager);
            if (k.startsWith("m.")) mean.put(k.substring(2), copy);
            else if (k.startsWith("v.")) variance.put(k.substring(2), copy);
            else throw new IllegalArgumentException("optimizer state has unexpected tensor '" + k + "'");
        });
        steps = stepCount;
    }

    @Override
    public void close() {
        manager.close();
    }
}
