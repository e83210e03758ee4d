package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.nn.Ops;

/**
 * The VAE mid block's attention (diffusers Attention with group_norm, residual_connection and
 * rescale_output_factor 1): GroupNorm, then single-head self-attention over the H·W positions
 * with biased to_q/to_k/to_v/to_out.0, added to the input.
 */
public record SpatialSelfAttention(GroupNorm groupNorm, Linear toQ, Linear toK, Linear toV, Linear toOut, int heads) {

    public static SpatialSelfAttention load(Params p, int channels, int groups, double eps) {
        return new SpatialSelfAttention(
                GroupNorm.load(p.at("group_norm"), channels, groups, eps),
                Linear.load(p.at("to_q"), channels, channels, true),
                Linear.load(p.at("to_k"), channels, channels, true),
                Linear.load(p.at("to_v"), channels, channels, true),
                Linear.load(p.at("to_out.0"), channels, channels, true),
                1);
    }

    /** x: [B, C, H, W] → same shape. */
    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), hw = s.get(2) * s.get(3);
        NDArray h = groupNorm.forward(x).reshape(b, c, hw).transpose(0, 2, 1);   // [B, HW, C]
        NDArray attended = Ops.attention(toQ.forward(h), toK.forward(h), toV.forward(h), heads, null);
        NDArray out = toOut.forward(attended).transpose(0, 2, 1).reshape(s);      // [B, C, H, W]
        return out.add(x);
    }
}
