package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.Ops;

/** torch.nn.GroupNorm with a per-channel affine. */
public record GroupNorm(NDArray gamma /* [C] */, NDArray beta /* [C] */, int groups, double eps) {

    public static GroupNorm load(Params p, long channels, int groups, double eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels are not divisible into " + groups + " groups");
        }
        return new GroupNorm(p.take("weight", channels), p.take("bias", channels), groups, eps);
    }

    /** x: [B, C, ...] → same shape. */
    public NDArray forward(NDArray x) {
        return Ops.groupNorm(x, groups, gamma, beta, eps);
    }
}
