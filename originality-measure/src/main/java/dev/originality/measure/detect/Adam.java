package dev.originality.measure.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma & Ba) on plain float arrays. The classifier is small (~0.1M weights), so updating
 * in Java costs little, is exactly reproducible, and keeps the weights out of native memory.
 */
final class Adam {
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private int t;

    /** One update of every parameter in place; grads has the same names and lengths as params. */
    void step(Map<String, float[]> params, Map<String, float[]> grads, double lr) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
        for (Map.Entry<String, float[]> e : params.entrySet()) {
            float[] p = e.getValue(), g = grads.get(e.getKey());
            float[] mm = m.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            float[] vv = v.computeIfAbsent(e.getKey(), k -> new float[p.length]);
            for (int i = 0; i < p.length; i++) {
                mm[i] = (float) (BETA1 * mm[i] + (1 - BETA1) * g[i]);
                vv[i] = (float) (BETA2 * vv[i] + (1 - BETA2) * g[i] * g[i]);
                p[i] -= (float) (lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + EPS));
            }
        }
    }
}
