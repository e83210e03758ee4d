package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightsTest {
    @Test
    void strictAccessNamesMissingMisshapedAndUnexpectedTensors() {
        try (NDManager m = NDManager.newBaseManager()) {
            Weights w = new Weights(Map.of("a.weight", m.zeros(new ai.djl.ndarray.types.Shape(2, 3)),
                    "a.bias", m.zeros(new ai.djl.ndarray.types.Shape(2)), "extra", m.zeros(new ai.djl.ndarray.types.Shape(1))), "test.safetensors");
            assertThat(w.at("a").take("weight", 2, 3).getShape().get(1)).isEqualTo(3);
            assertThatThrownBy(() -> w.at("a").take("bias", 3))
                    .hasMessage("test.safetensors: tensor 'a.bias' has shape (2), expected (3)");
            assertThatThrownBy(() -> w.take("b.weight", 1)).hasMessageContaining("missing tensor 'b.weight'");
            w.at("a").take("bias", 2);
            assertThatThrownBy(w::requireAllTaken).hasMessage("test.safetensors: unexpected tensor extra");
        }
    }

    @Test
    void freshWeightsFollowTorchDefaultsAndDependOnlyOnSeedAndName() {
        try (NDManager m = NDManager.newBaseManager()) {
            Weights a = Weights.fresh(m, 1, "a"), b = Weights.fresh(m, 1, "b"), c = Weights.fresh(m, 2, "c");
            b.take("norm.weight", 8);  // a different order must not change the values
            NDArray wa = a.take("conv.weight", 8, 4, 3, 3), wb = b.take("conv.weight", 8, 4, 3, 3);
            assertThat(wa.toFloatArray()).containsExactly(wb.toFloatArray());
            assertThat(wa.toFloatArray()).isNotEqualTo(c.take("conv.weight", 8, 4, 3, 3).toFloatArray());
            float bound = (float) (1 / Math.sqrt(4 * 9));
            assertThat(wa.abs().max().getFloat()).isLessThanOrEqualTo(bound).isGreaterThan(0.9f * bound);
            assertThat(a.take("norm.weight", 8).toFloatArray()).containsOnly(1f);
            assertThat(a.take("norm.bias", 8).toFloatArray()).containsOnly(0f);
            NDArray emb = a.take("token_embedding.weight", 100, 32);
            assertThat((float) Math.sqrt(emb.square().mean().getFloat())).isBetween(0.018f, 0.022f);
            assertThat(a.tensors()).containsKeys("conv.weight", "norm.weight", "norm.bias", "token_embedding.weight");
        }
    }
}
