package dev.originality.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {
    /** The same update computed by hand, in double, for loss = Σ (w - t)². */
    @Test
    void matchesTheAdamWFormula() {
        float[] w0 = {0.5f, -1.0f, 2.0f}, target = {1f, 1f, 1f};
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
        double[] w = {0.5, -1.0, 2.0}, m = new double[3], v = new double[3];
        try (NDManager nd = NDManager.newBaseManager(); AdamW opt = new AdamW(new AdamW.Config(b1, b2, eps, wd))) {
            NDArray p = nd.create(w0);
            p.setRequiresGradient(true);
            NDArray t = nd.create(target);
            for (int step = 1; step <= 5; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(p.sub(t).square().sum());
                }
                opt.step(Map.of("w", p), lr);
                for (int i = 0; i < 3; i++) {
                    double g = 2 * (w[i] - target[i]);
                    w[i] -= lr * wd * w[i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mh = m[i] / (1 - Math.pow(b1, step)), vh = v[i] / (1 - Math.pow(b2, step));
                    w[i] -= lr * mh / (Math.sqrt(vh) + eps);
                }
            }
            float[] got = p.toFloatArray();
            for (int i = 0; i < 3; i++) assertThat((double) got[i]).isCloseTo(w[i], within(1e-4));
        }
    }
}
