package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.originality.diffusion.nn.Ops;

/**
 * diffusers FeedForward with GEGLU: {@code ff.net.0.proj} maps C to 2·inner, the halves are
 * (h, gate), h·gelu(gate) goes through {@code ff.net.2} back to C. inner = 4·C.
 */
public record GegluFeedForward(Linear proj, Linear out) {

    public static GegluFeedForward load(Params p, int dim) {
        int inner = 4 * dim;
        return new GegluFeedForward(
                Linear.load(p.at("net.0.proj"), dim, 2L * inner, true),
                Linear.load(p.at("net.2"), inner, dim, true));
    }

    /** x: [B, N, C] → [B, N, C]. */
    public NDArray forward(NDArray x) {
        NDArray projected = proj.forward(x);                                   // [B, N, 2·inner]
        NDList halves = projected.split(2, projected.getShape().dimension() - 1); // DJL's split takes no negative axis
        return out.forward(halves.get(0).mul(Ops.gelu(halves.get(1))));
    }
}
