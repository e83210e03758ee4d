package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Map;
import java.util.Optional;

/**
 * Names the tensor that went bad when a loss turns NaN or infinite: the training loops call it only
 * after the loss check fails, so the scan costs nothing on the happy path.
 */
public final class NonFinite {
    private NonFinite() {}

    /**
     * The first tensor, in the map's order, holding a NaN or an infinity, described as
     * "name [shape]: a NaN and b Inf of n values"; empty when every tensor is finite.
     * Gradients are looked at too, as "grad of name", after all values.
     */
    public static Optional<String> first(Map<String, NDArray> tensors) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            Optional<String> bad = describe(e.getKey(), e.getValue());
            if (bad.isPresent()) return bad;
        }
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            if (!a.hasGradient()) continue;
            try (NDArray g = a.getGradient()) {
                Optional<String> bad = describe("grad of " + e.getKey(), g);
                if (bad.isPresent()) return bad;
            }
        }
        return Optional.empty();
    }

    /** "name [shape]: a NaN and b Inf of n values" when x holds a non-finite value. */
    static Optional<String> describe(String name, NDArray x) {
        if (x == null || !x.getDataType().isFloating()) return Optional.empty();
        try (NDArray f = x.toType(DataType.FLOAT32, true)) {
            long nan = f.isNaN().countNonzero().getLong();
            long inf = f.isInfinite().countNonzero().getLong();
            if (nan == 0 && inf == 0) return Optional.empty();
            return Optional.of(name + " " + x.getShape() + ": " + nan + " NaN and " + inf + " Inf of " + x.size() + " values");
        }
    }
}
