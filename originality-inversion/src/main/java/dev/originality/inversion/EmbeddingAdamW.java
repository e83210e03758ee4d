package dev.originality.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.HashMap;
import java.util.Map;

/**
 * AdamW (β = 0.9, 0.999, ε = 1e-8) over the placeholder vectors, with libtorch's fused in-place
 * update (which also zeroes each gradient). Same idea as the training module's optimiser, kept
 * here so that inversion does not depend on training.
 */
final class EmbeddingAdamW implements AutoCloseable {
    private static final float BETA1 = 0.9f, BETA2 = 0.999f, EPS = 1e-8f;
    private final double weightDecay;
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, NDArray> mean = new HashMap<>();
    private final Map<String, NDArray> variance = new HashMap<>();
    private long steps;

    EmbeddingAdamW(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    /** One update of every vector (each must hold a gradient), at constant rate lr. */
    void step(Map<String, NDArray> vectors, double lr) {
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps), c2 = 1 - Math.pow(BETA2, steps);
        float lrCorrected = (float) (lr * Math.sqrt(c2) / c1);
        for (Map.Entry<String, NDArray> e : vectors.entrySet()) {
            NDArray w = e.getValue();
            NDArray m = mean.computeIfAbsent(e.getKey(), k -> manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            NDArray v = variance.computeIfAbsent(e.getKey(), k -> manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            // getGradient wraps the grad in a new handle owned by w's manager: close it, or it piles up per step
            try (NDArray g = w.getGradient()) {
                w.getNDArrayInternal().adamUpdate(new NDList(w, g, m, v), new NDList(w), (float) lr, lrCorrected,
                        (float) weightDecay, 1f, -1f, BETA1, BETA2, EPS, false, true);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
