package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers Transformer2DModel on a feature map: GroupNorm (eps 1e-6), proj_in (1x1 conv, or a
 * linear layer after flattening when use_linear_projection), BasicTransformerBlocks over the
 * H·W positions, proj_out back, added to the input.
 */
public record Transformer2DModel(GroupNorm norm, Conv2d projInConv, Linear projInLinear,
                                 List<BasicTransformerBlock> blocks, Conv2d projOutConv, Linear projOutLinear) {
    static final double NORM_EPS = 1e-6;

    /** channels: in = out = heads · head_dim, as in every UNet block. */
    public static Transformer2DModel load(Params p, int channels, int heads, int contextDim, int layers, int groups,
                                          boolean linearProjection) {
        List<BasicTransformerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            blocks.add(BasicTransformerBlock.load(p.at("transformer_blocks", i), channels, contextDim, heads));
        }
        GroupNorm norm = GroupNorm.load(p.at("norm"), channels, groups, NORM_EPS);
        if (linearProjection) {
            return new Transformer2DModel(norm, null, Linear.load(p.at("proj_in"), channels, channels, true), List.copyOf(blocks),
                    null, Linear.load(p.at("proj_out"), channels, channels, true));
        }
        return new Transformer2DModel(norm, Conv2d.load(p.at("proj_in"), channels, channels, 1), null, List.copyOf(blocks),
                Conv2d.load(p.at("proj_out"), channels, channels, 1), null);
    }

    /** x: [B, C, H, W], context: [B, M, Cctx] → [B, C, H, W]. */
    public NDArray forward(NDArray x, NDArray context) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        NDArray t = norm.forward(x);
        if (projInConv != null) t = projInConv.forward(t);
        t = t.transpose(0, 2, 3, 1).reshape(b, h * w, c);                         // [B, HW, C]
        if (projInLinear != null) t = projInLinear.forward(t);
        for (BasicTransformerBlock block : blocks) t = block.forward(t, context);
        if (projOutLinear != null) t = projOutLinear.forward(t);
        t = t.reshape(b, h, w, c).transpose(0, 3, 1, 2);                          // [B, C, H, W]
        if (projOutConv != null) t = projOutConv.forward(t);
        return t.add(x);
    }
}
