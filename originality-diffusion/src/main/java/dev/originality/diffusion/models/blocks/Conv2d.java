package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.Ops;

/** A 2-D convolution with bias and "same"-style symmetric padding. */
public record Conv2d(NDArray weight /* [Cout, Cin, k, k] */, NDArray bias /* [Cout] */, int stride, int padding) {

    /** Tensors {@code weight} and {@code bias} of {@code p}; padding keeps the size at stride 1. */
    public static Conv2d load(Params p, long in, long out, int kernel) {
        return load(p, in, out, kernel, 1, (kernel - 1) / 2);
    }

    public static Conv2d load(Params p, long in, long out, int kernel, int stride, int padding) {
        return new Conv2d(p.take("weight", out, in, kernel, kernel), p.take("bias", out), stride, padding);
    }

    /** x: [B, Cin, H, W] → [B, Cout, H', W']. */
    public NDArray forward(NDArray x) {
        return Ops.conv2d(x, weight, bias, stride, padding);
    }
}
