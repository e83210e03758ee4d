package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NonFiniteTest {
    @Test
    void namesTheFirstBadTensorInOrderWithItsCounts() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("input", m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
            t.put("activation", m.create(new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, Float.NaN}, new Shape(4)));
            t.put("weight", m.create(new float[] {Float.NEGATIVE_INFINITY}, new Shape(1)));
            assertThat(NonFinite.first(t)).contains("activation (4): 2 NaN and 1 Inf of 4 values");
            t.remove("activation");
            assertThat(NonFinite.first(t)).contains("weight (1): 0 NaN and 1 Inf of 1 values");
            t.remove("weight");
            assertThat(NonFinite.first(t)).isEmpty();
            t.put("ids", m.create(new long[] {1, 2}));   // integers cannot go bad
            assertThat(NonFinite.first(t)).isEmpty();
        }
    }

    @Test
    void looksAtGradientsAfterValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1, 2});
            w.setRequiresGradient(true);
            try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                gc.backward(w.mul(m.create(new float[] {Float.NaN, 1})).sum());
            }
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("w", w);
            assertThat(NonFinite.first(t)).contains("grad of w (2): 1 NaN and 0 Inf of 2 values");
        }
    }
}
