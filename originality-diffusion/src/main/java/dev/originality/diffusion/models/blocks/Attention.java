package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.Ops;

/**
 * Multi-head (cross-)attention of a transformer block: to_q/to_k/to_v without bias (as SD builds
 * them), to_out.0 with bias; scale 1/√head_dim.
 */
public record Attention(Linear toQ, Linear toK, Linear toV, Linear toOut, int heads) {

    /** queryDim: channels of x; contextDim: channels of the context (queryDim for self-attention). */
    public static Attention load(Params p, int queryDim, int contextDim, int heads) {
        if (queryDim % heads != 0) {
            throw new IllegalArgumentException("Attention: " + queryDim + " channels are not divisible by " + heads + " heads");
        }
        return new Attention(
                Linear.load(p.at("to_q"), queryDim, queryDim, false),
                Linear.load(p.at("to_k"), contextDim, queryDim, false),
                Linear.load(p.at("to_v"), contextDim, queryDim, false),
                Linear.load(p.at("to_out.0"), queryDim, queryDim, true),
                heads);
    }

    /** x: [B, N, C], context: [B, M, Cctx] (x itself for self-attention) → [B, N, C]. */
    public NDArray forward(NDArray x, NDArray context) {
        NDArray attended = Ops.attention(toQ.forward(x), toK.forward(context), toV.forward(context), heads, null);
        return toOut.forward(attended);
    }
}
