package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;

/**
 * diffusers BasicTransformerBlock (layer_norm variant): pre-norm self-attention, pre-norm
 * cross-attention to the text states, pre-norm GEGLU feed-forward, each added to its input.
 */
public record BasicTransformerBlock(LayerNorm norm1, Attention attn1, LayerNorm norm2, Attention attn2,
                                    LayerNorm norm3, GegluFeedForward ff) {
    /** The eps of nn.LayerNorm that diffusers uses here. */
    static final double EPS = 1e-5;

    public static BasicTransformerBlock load(Params p, int dim, int contextDim, int heads) {
        return new BasicTransformerBlock(
                LayerNorm.load(p.at("norm1"), dim, EPS), Attention.load(p.at("attn1"), dim, dim, heads),
                LayerNorm.load(p.at("norm2"), dim, EPS), Attention.load(p.at("attn2"), dim, contextDim, heads),
                LayerNorm.load(p.at("norm3"), dim, EPS), GegluFeedForward.load(p.at("ff"), dim));
    }

    /** x: [B, N, C], context: [B, M, Cctx] → [B, N, C]. */
    public NDArray forward(NDArray x, NDArray context) {
        NDArray n1 = norm1.forward(x);
        x = attn1.forward(n1, n1).add(x);
        x = attn2.forward(norm2.forward(x), context).add(x);
        return ff.forward(norm3.forward(x)).add(x);
    }
}
