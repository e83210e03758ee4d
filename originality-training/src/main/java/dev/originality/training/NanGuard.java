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
     * @param suspects the step's tensors in data-flow order (batch, activations, then the parameters,
     *                 whose gradients are looked at after every value)
     */
    static void check(String stage, int step, double loss, Path modelDir, Map<String, NDArray> suspects) {
        if (Double.isFinite(loss)) return;
        String culprit = NonFinite.first(suspects).map(s -> "first non-finite tensor: " + s)
                .orElse("every input, activation, weight and gradient is finite (the loss itself overflowed)");
        throw new IllegalStateException(stage + " training diverged at step " + (step + 1) + ": loss = " + loss + "; " + culprit
                + "; the last good checkpoint is in " + Checkpoint.dir(modelDir, stage) + " (resume with a lower --lr)");
    }

    /** The step's own tensors followed by the parameters. */
    static Map<String, NDArray> suspects(Map<String, NDArray> step, Map<String, NDArray> params) {
        Map<String, NDArray> all = new LinkedHashMap<>(step);
        all.putAll(params);
        return all;
    }
}
