package dev.originality.training;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.NonFinite;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops a run at the first non-finite loss, before the optimizer spreads it into the weights, and
 * names the tensor that went bad so that the cause (data, activations, weights or gradients) shows.
 */
final class NanGuard {
    private NanGuard() {}

    /**
     * @param seen   the step's own tensors in data-flow order (batch, activations)
     * @param params the parameters, looked at after them (values, then every gradient); merged only on failure
     */
    static void check(String stage, int step, double loss, Path modelDir, Map<String, NDArray> seen, Map<String, NDArray> params) {
        if (Double.isFinite(loss)) return;
        Map<String, NDArray> suspects = new LinkedHashMap<>(seen);
        suspects.putAll(params);
        String culprit = NonFinite.first(suspects).map(s -> "first non-finite tensor: " + s)
                .orElse("every input, activation, weight and gradient is finite (the loss itself overflowed)");
        throw new IllegalStateException(stage + " training diverged at step " + (step + 1) + ": loss = " + loss + "; " + culprit
                + "; the last good checkpoint is in " + Checkpoint.dir(modelDir, stage) + " (resume with a lower --lr)");
    }
}
