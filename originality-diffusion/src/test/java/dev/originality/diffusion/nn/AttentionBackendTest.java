package dev.originality.diffusion.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The fused attention module loads, and gives the softmax path's values and input gradients. */
class AttentionBackendTest {
    @Test
    void fusedAttentionLoadsByDefault() {
        assertThat(FusedAttention.status()).isEqualTo("fused");
        assertThat(FusedAttention.enabled()).isTrue();
    }

    @Test
    void fusedMatchesSoftmaxPathForwardAndBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            // self-attention of the shapes UNet (256 positions, 4 heads of 12) and a cross-attention (32 text states)
            for (long[] dims : new long[][] {{3, 4, 256, 256, 12}, {2, 4, 64, 32, 16}}) {
                Shape qs = new Shape(dims[0], dims[1], dims[2], dims[4]), ks = new Shape(dims[0], dims[1], dims[3], dims[4]);
                NDArray q = m.randomNormal(qs), k = m.randomNormal(ks), v = m.randomNormal(ks), w = m.randomNormal(qs);
                float[][] fused = run(q, k, v, w, true), plain = run(q, k, v, w, false);
                for (int part = 0; part < 4; part++) {
                    double scale = 0, diff = 0;
                    for (int i = 0; i < plain[part].length; i++) {
                        scale = Math.max(scale, Math.abs(plain[part][i]));
                        diff = Math.max(diff, Math.abs(plain[part][i] - fused[part][i]));
                    }
                    assertThat(scale).as("part %d is not all zero", part).isGreaterThan(0.1);
                    assertThat(diff).as("output, dq, dk, dv [%d] of %s", part, qs).isLessThan(1e-5 * Math.max(1, scale));
                }
            }
        }
    }

    /** Ops.attention routes a 2 x 4 x 1024 x 1024 score map (2^23 scores) to the fused kernel: same values as the softmax path. */
    @Test
    void largeAttentionThroughOpsMatchesSoftmaxPath() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(8);
            NDArray q = m.randomNormal(new Shape(2, 1024, 32)), k = m.randomNormal(new Shape(2, 1024, 32)), v = m.randomNormal(new Shape(2, 1024, 32));
            assertThat(2L * 4 * 1024 * 1024).isGreaterThanOrEqualTo(FusedAttention.CPU_MIN_SCORES);
            float[] ours = Ops.attention(q, k, v, 4, null).toFloatArray();                          // [2, 1024, 32]
            NDArray qh = q.reshape(2, 1024, 4, 8).transpose(0, 2, 1, 3), kh = k.reshape(2, 1024, 4, 8).transpose(0, 2, 1, 3);
            NDArray vh = v.reshape(2, 1024, 4, 8).transpose(0, 2, 1, 3);
            float[] plain = Ops.softmaxAttention(qh, kh, vh, null).transpose(0, 2, 1, 3).reshape(2, 1024, 32).toFloatArray();
            for (int i = 0; i < plain.length; i++) assertThat(Math.abs(ours[i] - plain[i])).isLessThan(1e-5f);
        }
    }

    /** {output, dq, dk, dv} of sum(attention(q, k, v) · w), on fresh leaves so that no gradient accumulates. */
    private static float[][] run(NDArray q0, NDArray k0, NDArray v0, NDArray w, boolean fused) {
        try (NDManager s = q0.getManager().newSubManager()) {
            NDArray q = q0.duplicate(), k = k0.duplicate(), v = v0.duplicate();
            for (NDArray x : new NDArray[] {q, k, v}) {
                x.attach(s);
                x.setRequiresGradient(true);
            }
            float[] out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray o = fused ? FusedAttention.apply(q, k, v) : Ops.softmaxAttention(q, k, v, null);   // [B, h, N, d]
                out = o.toFloatArray();
                gc.backward(o.mul(w).sum());
            }
            return new float[][] {out, q.getGradient().toFloatArray(), k.getGradient().toFloatArray(), v.getGradient().toFloatArray()};
        }
    }
}
