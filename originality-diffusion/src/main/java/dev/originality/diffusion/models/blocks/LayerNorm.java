package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.Ops;

/** torch.nn.LayerNorm over the last dimension. */
public record LayerNorm(NDArray gamma /* [C] */, NDArray beta /* [C] */, double eps) {

    public static LayerNorm load(Params p, long channels, double eps) {
        return new LayerNorm(p.take("weight", channels), p.take("bias", channels), eps);
    }

    /** x: [..., C] → same shape. */
    public NDArray forward(NDArray x) {
        return Ops.layerNorm(x, gamma, beta, eps);
    }
}
