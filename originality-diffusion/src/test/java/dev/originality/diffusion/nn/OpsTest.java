package dev.originality.diffusion.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OpsTest {
    @Test
    void pytorchEngineLoadsOffline() {
        assertThat(Engine.getInstance().getEngineName()).isEqualTo("PyTorch");
        assertThat(Engine.getInstance().getVersion()).startsWith("2.5.1");
    }

    @Test
    void groupNormMatchesDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(2, 8, 3, 5));
            NDArray gamma = m.randomNormal(new Shape(8)), beta = m.randomNormal(new Shape(8));
            float[] y = Ops.groupNorm(x, 4, gamma, beta, 1e-5).toFloatArray();
            float[] xs = x.toFloatArray(), g = gamma.toFloatArray(), bt = beta.toFloatArray();
            int per = 2 * 15;  // channels per group · H · W
            for (int b = 0; b < 2; b++) {
                for (int grp = 0; grp < 4; grp++) {
                    int off = b * 8 * 15 + grp * per;
                    double mean = 0, var = 0;
                    for (int i = 0; i < per; i++) mean += xs[off + i];
                    mean /= per;
                    for (int i = 0; i < per; i++) var += (xs[off + i] - mean) * (xs[off + i] - mean);
                    var /= per;
                    for (int i = 0; i < per; i++) {
                        int ch = grp * 2 + i / 15;
                        double want = (xs[off + i] - mean) / Math.sqrt(var + 1e-5) * g[ch] + bt[ch];
                        assertThat((double) y[off + i]).isCloseTo(want, within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void groupNormLeavesNothingInTheWeightsManager() {
        try (NDManager weights = NDManager.newBaseManager()) {
            NDArray gamma = weights.ones(new Shape(8)), beta = weights.zeros(new Shape(8));
            int before = ((ai.djl.ndarray.BaseNDManager) weights).getManagedArrays().size();
            for (int i = 0; i < 10; i++) {
                try (NDManager step = weights.newSubManager()) {
                    Ops.groupNorm(step.randomNormal(new Shape(1, 8, 4, 4)), 4, gamma, beta, 1e-5);
                }
            }
            assertThat(((ai.djl.ndarray.BaseNDManager) weights).getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void attentionRowsAreConvexCombinationsOfValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(1, 3, 8)), k = m.randomNormal(new Shape(1, 5, 8));
            NDArray v = m.ones(new Shape(1, 5, 8));
            NDArray out = Ops.attention(q, k, v, 2, null);
            assertThat(out.getShape()).isEqualTo(new Shape(1, 3, 8));
            for (float f : out.toFloatArray()) assertThat(f).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void upsampleRepeatsPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(4f).reshape(1, 1, 2, 2);
            assertThat(Ops.upsampleNearest2x(x).toFloatArray())
                    .containsExactly(0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3);
        }
    }

    @Test
    void gradientsThroughActivationsAreFiniteAndCorrect() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {-2f, -0.5f, 0f, 0.5f, 2f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Ops.silu(x).sum());
            }
            float[] g = x.getGradient().toFloatArray();
            float[] xs = {-2f, -0.5f, 0f, 0.5f, 2f};
            for (int i = 0; i < xs.length; i++) {
                double s = 1 / (1 + Math.exp(-xs[i]));
                assertThat((double) g[i]).isCloseTo(s * (1 + xs[i] * (1 - s)), within(1e-5));
            }
        }
    }
}
