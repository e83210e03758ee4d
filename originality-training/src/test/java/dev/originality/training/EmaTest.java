package dev.originality.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmaTest {
    @Test
    void updatesInPlaceWithoutKeepingTemporaries() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("w", m.create(new float[] {1, 2, 3}));
            p.put("b", m.create(new float[] {0}));
            try (Ema ema = new Ema(p, 0.9)) {
                assertThat(ema.liveArrays()).isEqualTo(2);
                p.get("w").subi(1f);                           // w = 0, 1, 2
                for (int i = 0; i < 50; i++) ema.update(p);
                assertThat(ema.liveArrays()).as("no per-update tensors left behind (this leaked 11 MB a step)").isEqualTo(2);
                // First update: decay min(0.9, 2/11) = 0.1818..., so s = 1 + (1 - 0.1818)(0 - 1) for w[0], and so on to convergence.
                assertThat(ema.weights().get("w").toFloatArray()[0]).isLessThan(0.01f);
                assertThat(ema.updates()).isEqualTo(50);
            }
        }
    }
}
