package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.Ops;

/** A dense layer; {@code bias} is null where diffusers builds it without one (attention q/k/v). */
public record Linear(NDArray weight /* [out, in] */, NDArray bias /* [out] or null */) {

    public static Linear load(Params p, long in, long out, boolean withBias) {
        return new Linear(p.take("weight", out, in), withBias ? p.take("bias", out) : null);
    }

    /** x: [..., in] → [..., out]. */
    public NDArray forward(NDArray x) {
        return Ops.linear(x, weight, bias);
    }
}
