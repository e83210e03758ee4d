package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of parameters, as diffusers' EMAModel: decay warms up as
 * min(maxDecay, (1 + t) / (10 + t)) so that early, poor weights are forgotten quickly.
 */
public final class Ema implements AutoCloseable {
    private final double maxDecay;
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();
    private long updates;

    public Ema(Map<String, NDArray> parameters, double maxDecay) {
        if (!(maxDecay > 0 && maxDecay < 1)) throw new IllegalArgumentException("EMA decay must be in (0, 1), found " + maxDecay);
        this.maxDecay = maxDecay;
        parameters.forEach((k, v) -> shadow.put(k, copy(v)));
    }

    public void update(Map<String, NDArray> parameters) {
        updates++;
        double decay = Math.min(maxDecay, (1.0 + updates) / (10.0 + updates));
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray s = shadow.get(e.getKey());
            try (NDManager step = manager.newSubManager()) {
                NDArray p = e.getValue().stopGradient();
                p.attach(step);
                // s ← s + (1 − decay)(p − s), in place. An op's result joins its first operand's manager,
                // so p − s (not s − p) lives in this step's manager and is freed with it: written the
                // other way round it leaked one parameter-sized tensor per update (11 MB a step).
                s.addi(p.sub(s).muli((float) (1 - decay)));
            }
        }
    }

    public Map<String, NDArray> weights() {
        return shadow;
    }

    /** Tensors the EMA holds natively: one per parameter, however many updates (a leak check). */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    public long updates() {
        return updates;
    }

    public void restore(Map<String, NDArray> saved, long count) {
        saved.forEach((k, v) -> {
            NDArray s = shadow.get(k);
            if (s == null) throw new IllegalArgumentException("EMA state has unexpected tensor '" + k + "'");
            s.set(v.toFloatArray());
        });
        updates = count;
    }

    private NDArray copy(NDArray v) {
        NDArray c = v.stopGradient().duplicate();
        c.attach(manager);
        return c;
    }

    @Override
    public void close() {
        manager.close();
    }
}
